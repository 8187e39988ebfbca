import { describe, expect, it } from 'vitest';
import { decide, replay } from '../../../src/domain/account';
import { decideTransfer } from '../../../src/domain/transfer';
import {
  OWNER,
  TRANSFER_ID,
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

describe('OpenAccount', () => {
  it('opens an account with no money when no initial deposit is given', () => {
    given([]).when(openAccount('acc-1')).then([opened('acc-1', 'EUR')]);
  });

  it('treats an empty initial deposit field as no deposit', () => {
    given([]).when(openAccount('acc-1', 'USD', { initialDeposit: '' })).then([opened('acc-1', 'USD')]);
  });

  it('opens with an initial deposit written to the currency’s minor digits', () => {
    given([])
      .when(openAccount('acc-1', 'EUR', { initialDeposit: '10' }))
      .then([opened('acc-1', 'EUR'), deposited('acc-1', '10.00', 'Initial deposit')]);
  });

  it('keeps a yen deposit whole and a dinar deposit at three decimals', () => {
    given([])
      .when(openAccount('jp', 'JPY', { initialDeposit: '500' }))
      .then([opened('jp', 'JPY'), deposited('jp', '500', 'Initial deposit')]);
    given([])
      .when(openAccount('kw', 'KWD', { initialDeposit: '1.5' }))
      .then([opened('kw', 'KWD'), deposited('kw', '1.500', 'Initial deposit')]);
  });

  it('trims the owner’s name', () => {
    given([])
      .when(openAccount('acc-1', 'GBP', { ownerName: '  Grace Hopper \n' }))
      .then([opened('acc-1', 'GBP', 'Grace Hopper')]);
  });
});

describe('Deposit', () => {
  it('records the deposit with the amount padded to two decimals', () => {
    given([opened('a')]).when(deposit('a', '12.5')).then([deposited('a', '12.50')]);
  });

  it('keeps the description, trimmed', () => {
    given([opened('a')]).when(deposit('a', '3', '  salary  ')).then([deposited('a', '3.00', 'salary')]);
  });

  it('accepts the smallest unit of the currency', () => {
    given([opened('a')]).when(deposit('a', '0.01')).then([deposited('a', '0.01')]);
    given([opened('k', 'KWD')]).when(deposit('k', '0.001')).then([deposited('k', '0.001')]);
    given([opened('y', 'JPY')]).when(deposit('y', '1')).then([deposited('y', '1')]);
  });

  it('accepts the largest amount the ledger allows', () => {
    given([opened('a')]).when(deposit('a', '999999999999999.99')).then([deposited('a', '999999999999999.99')]);
  });
});

describe('Withdraw', () => {
  it('records a withdrawal covered by the balance', () => {
    given([opened('a'), deposited('a', '100.00')])
      .when(withdraw('a', '40', 'rent'))
      .then([withdrawn('a', '40.00', 'rent')]);
  });

  it('allows withdrawing exactly the balance', () => {
    given([opened('a'), deposited('a', '0.30')]).when(withdraw('a', '0.3')).then([withdrawn('a', '0.30')]);
  });

  it('counts transfers received towards what can be withdrawn', () => {
    given([opened('a'), opened('b'), received('a', 'b', '25.00')])
      .when(withdraw('a', '25'))
      .then([withdrawn('a', '25.00')]);
  });
});

describe('Transfer', () => {
  const funded = [opened('a'), deposited('a', '100.00'), opened('b')];

  it('decides one TransferSent and one TransferReceived carrying the same id and amount', () => {
    given(funded)
      .when(transfer('a', 'b', '30.5', 'dinner'))
      .then([sent('a', 'b', '30.50', TRANSFER_ID, 'dinner'), received('b', 'a', '30.50', TRANSFER_ID, 'dinner')]);
  });

  it('uses the command id as the transfer id, so a retried command is the same transfer', () => {
    const { sent: out, received: into } = decideTransfer(
      { ...transfer('a', 'b', '1'), commandId: 'retry-42' },
      replay(funded.filter((e) => e.data.accountId === 'a')),
      replay([opened('b')]),
    );
    expect(out.data.transferId).toBe('retry-42');
    expect(into.data.transferId).toBe('retry-42');
  });

  it('allows transferring the whole balance', () => {
    given(funded).when(transfer('a', 'b', '100')).then([sent('a', 'b', '100.00'), received('b', 'a', '100.00')]);
  });

  it('moves yen between yen accounts without decimals', () => {
    given([opened('x', 'JPY'), deposited('x', '1000'), opened('y', 'JPY')])
      .when(transfer('x', 'y', '500'))
      .then([sent('x', 'y', '500'), received('y', 'x', '500')]);
  });
});

describe('CloseAccount', () => {
  it('closes an account that never held money', () => {
    given([opened('a')]).when(closeAccount('a')).then([closed('a')]);
  });

  it('closes an account emptied back to zero, keeping the reason', () => {
    given([opened('a'), deposited('a', '10.00'), withdrawn('a', '10.00')])
      .when(closeAccount('a', ' moving abroad '))
      .then([closed('a', 'moving abroad')]);
  });

  it('closes an account emptied by a transfer out', () => {
    given([opened('a'), deposited('a', '5.00'), opened('b'), sent('a', 'b', '5.00')])
      .when(closeAccount('a'))
      .then([closed('a')]);
  });
});

describe('decide is pure', () => {
  it('leaves the state it was given unchanged and returns the same events each time', () => {
    const state = replay([opened('a'), deposited('a', '50.00')]);
    const before = JSON.stringify(state);
    const first = decide(withdraw('a', '20'), state);
    const second = decide(withdraw('a', '20'), state);
    expect(first).toEqual(second);
    expect(JSON.stringify(state)).toBe(before);
  });

  it('decides OpenAccount from the command alone', () => {
    expect(decide(openAccount('a'), replay([]))).toEqual([
      { type: 'AccountOpened', data: { accountId: 'a', ownerName: OWNER, currency: 'EUR' } },
    ]);
  });
});
