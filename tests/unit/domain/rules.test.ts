import { describe, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors';
import {
  closeAccount,
  closed,
  deposit,
  deposited,
  openAccount,
  opened,
  received,
  sent,
  transfer,
  withdraw,
  withdrawn,
} from './fixtures';
import { given } from './given';

describe('account lifecycle rules', () => {
  it('refuses to open an account that already exists', () => {
    given([opened('a')])
      .when(openAccount('a'))
      .thenThrows(DomainError, 'ACCOUNT_ALREADY_EXISTS', 'Account a already exists');
  });

  it('refuses to reopen a closed account', () => {
    given([opened('a'), closed('a')])
      .when(openAccount('a'))
      .thenThrows(DomainError, 'ACCOUNT_ALREADY_EXISTS', 'already exists');
  });

  it.each([
    ['a deposit', deposit('ghost', '1')],
    ['a withdrawal', withdraw('ghost', '1')],
    ['closing', closeAccount('ghost')],
  ])('refuses %s on an account that does not exist', (_what, command) => {
    given([opened('a')]).when(command).thenThrows(DomainError, 'ACCOUNT_NOT_FOUND', 'Account ghost does not exist');
  });

  it.each([
    ['a deposit', deposit('a', '1')],
    ['a withdrawal', withdraw('a', '1')],
    ['closing it again', closeAccount('a')],
  ])('refuses %s on a closed account', (_what, command) => {
    given([opened('a'), closed('a')])
      .when(command)
      .thenThrows(DomainError, 'ACCOUNT_CLOSED', 'Account a is closed and accepts no more transactions');
  });

  it('refuses to close an account that still holds money, saying how much', () => {
    given([opened('a'), deposited('a', '0.01')])
      .when(closeAccount('a'))
      .thenThrows(DomainError, 'BALANCE_NOT_ZERO', /zero balance.*holds 0\.01 EUR/);
  });

  it('refuses to close an account that received a transfer it still holds', () => {
    given([opened('a'), opened('b'), received('a', 'b', '7.00')])
      .when(closeAccount('a'))
      .thenThrows(DomainError, 'BALANCE_NOT_ZERO', 'holds 7.00 EUR');
  });
});

describe('no overdraft', () => {
  it('refuses a withdrawal above the balance, naming balance and request', () => {
    given([opened('a'), deposited('a', '10.00')])
      .when(withdraw('a', '10.01'))
      .thenThrows(DomainError, 'INSUFFICIENT_FUNDS', /balance is 10\.00 EUR.*10\.01 EUR was requested/);
  });

  it('refuses any withdrawal from an empty account', () => {
    given([opened('a')]).when(withdraw('a', '0.01')).thenThrows(DomainError, 'INSUFFICIENT_FUNDS', 'Insufficient funds');
  });

  it('refuses a withdrawal that earlier withdrawals made uncovered', () => {
    given([opened('a'), deposited('a', '50.00'), withdrawn('a', '30.00'), sent('a', 'b', '15.00')])
      .when(withdraw('a', '5.01'))
      .thenThrows(DomainError, 'INSUFFICIENT_FUNDS', 'the balance is 5.00 EUR');
  });

  it('refuses a transfer above the balance', () => {
    given([opened('a'), deposited('a', '10.00'), opened('b')])
      .when(transfer('a', 'b', '10.01'))
      .thenThrows(DomainError, 'INSUFFICIENT_FUNDS', '10.01 EUR was requested');
  });
});

describe('transfer rules', () => {
  const both = [opened('a'), deposited('a', '100.00'), opened('b')];

  it('refuses a transfer from an account to itself', () => {
    given(both).when(transfer('a', 'a', '1')).thenThrows(DomainError, 'TRANSFER_TO_SELF', 'cannot transfer money to itself');
  });

  it('refuses a transfer to an account that does not exist', () => {
    given(both)
      .when(transfer('a', 'nobody', '1'))
      .thenThrows(DomainError, 'ACCOUNT_NOT_FOUND', 'Target account nobody does not exist');
  });

  it('refuses a transfer from an account that does not exist', () => {
    given(both)
      .when(transfer('nobody', 'b', '1'))
      .thenThrows(DomainError, 'ACCOUNT_NOT_FOUND', 'Source account nobody does not exist');
  });

  it('refuses a transfer to a closed account', () => {
    given([...both, closed('b')])
      .when(transfer('a', 'b', '1'))
      .thenThrows(DomainError, 'ACCOUNT_CLOSED', 'Target account b is closed');
  });

  it('refuses a transfer from a closed account', () => {
    given([opened('a'), closed('a'), opened('b')])
      .when(transfer('a', 'b', '1'))
      .thenThrows(DomainError, 'ACCOUNT_CLOSED', 'Source account a is closed');
  });

  it('refuses a transfer across currencies, naming both', () => {
    given([...both, opened('usd', 'USD')])
      .when(transfer('a', 'usd', '1'))
      .thenThrows(DomainError, 'CURRENCY_MISMATCH', 'Cannot transfer EUR to an account held in USD');
  });

  it('refuses a transfer across currencies even when the digits would fit both', () => {
    given([opened('y', 'JPY'), deposited('y', '1000'), opened('e')])
      .when(transfer('y', 'e', '10'))
      .thenThrows(DomainError, 'CURRENCY_MISMATCH', 'JPY');
  });
});
