import { describe, expect, it } from 'vitest';
import type { LedgerCommand } from '../../../src/domain/commands';
import { ValidationError, type ErrorCode } from '../../../src/domain/errors';
import { MAX_OWNER_NAME, MAX_TEXT } from '../../../src/domain/rules';
import { closeAccount, deposit, deposited, openAccount, opened, transfer, withdraw, withdrawn } from './fixtures';
import { given } from './given';

const funded = [opened('a'), deposited('a', '1000.00'), opened('b'), opened('y', 'JPY'), opened('k', 'KWD')];

const refuseDeposit = (accountId: string, amount: string, code: ErrorCode, message: string | RegExp) =>
  given(funded).when(deposit(accountId, amount)).thenThrows(ValidationError, code, message);

describe('amounts', () => {
  it('refuses an empty amount', () => {
    const error = refuseDeposit('a', '', 'AMOUNT_REQUIRED', 'The amount is empty; enter an amount such as 12.50');
    expect(error.field).toBe('amount');
  });

  it.each(['abc', '1e3', ' 5', '5 ', '5,00', '0x10', 'Infinity', 'NaN', '+5', '.5', '5.', '1.2.3', '١٢'])(
    'refuses %j as not a plain decimal amount',
    (text) => {
      const error = refuseDeposit('a', text, 'AMOUNT_NOT_A_NUMBER', 'is not an amount; write digits');
      expect(error.message).toContain(`"${text}"`);
      expect(error.field).toBe('amount');
    },
  );

  it('shortens a very long bad amount in the message', () => {
    const error = refuseDeposit('a', 'x'.repeat(1000), 'AMOUNT_NOT_A_NUMBER', 'is not an amount');
    expect(error.message.length).toBeLessThan(200);
  });

  it.each(['0', '0.00', '000'])('refuses the zero amount %j', (text) => {
    refuseDeposit('a', text, 'AMOUNT_NOT_POSITIVE', 'must be greater than zero');
  });

  it.each(['-5', '-0.01', '-0'])('refuses the negative amount %j', (text) => {
    refuseDeposit('a', text, 'AMOUNT_NOT_POSITIVE', 'must be greater than zero');
  });

  it.each([
    ['a', '1.001', 'EUR amounts have at most 2 decimal places'],
    ['a', '0.000', 'EUR amounts have at most 2 decimal places'],
    ['y', '1.0', 'JPY has no minor unit; the amount must be a whole number'],
    ['y', '500.5', 'JPY has no minor unit'],
    ['k', '1.0001', 'KWD amounts have at most 3 decimal places'],
  ])('refuses too many decimals for the currency of account %s: %j', (accountId, text, message) => {
    refuseDeposit(accountId, text, 'AMOUNT_TOO_PRECISE', message);
  });

  it('refuses an amount with more than fifteen digits before the point', () => {
    refuseDeposit('a', '1000000000000000', 'AMOUNT_TOO_LARGE', 'too large (at most 15 digits');
  });

  it('does not count leading zeros towards the size limit', () => {
    given(funded).when(deposit('a', '000999999999999999')).then([deposited('a', '999999999999999.00')]);
  });

  it.each<[string, LedgerCommand]>([
    ['a withdrawal', withdraw('a', '1e2')],
    ['a transfer', transfer('a', 'b', '1e2')],
    ['an initial deposit', openAccount('new', 'EUR', { initialDeposit: '1e2' })],
  ])('applies the same amount rules to %s', (_what, command) => {
    given(funded).when(command).thenThrows(ValidationError, 'AMOUNT_NOT_A_NUMBER', '"1e2" is not an amount');
  });

  it('refuses a float-like initial deposit exactly as it refuses a deposit', () => {
    const error = given([])
      .when(openAccount('new', 'EUR', { initialDeposit: ' 5' }))
      .thenThrows(ValidationError, 'AMOUNT_NOT_A_NUMBER', 'is not an amount');
    expect(error.field).toBe('initialDeposit');
  });

  it('checks an initial deposit against the new account’s currency', () => {
    given([])
      .when(openAccount('new', 'JPY', { initialDeposit: '10.50' }))
      .thenThrows(ValidationError, 'AMOUNT_TOO_PRECISE', 'JPY has no minor unit');
  });

  it('refuses a zero initial deposit rather than opening with a zero deposit event', () => {
    given([])
      .when(openAccount('new', 'EUR', { initialDeposit: '0' }))
      .thenThrows(ValidationError, 'AMOUNT_NOT_POSITIVE', 'initialDeposit must be greater than zero');
  });

  it('checks a transfer amount against the source account’s currency', () => {
    given([opened('y1', 'JPY'), deposited('y1', '100'), opened('y2', 'JPY')])
      .when(transfer('y1', 'y2', '0.5'))
      .thenThrows(ValidationError, 'AMOUNT_TOO_PRECISE', 'JPY has no minor unit');
  });
});

describe('currency', () => {
  it.each(['XYZ', 'eur', '', ' EUR', 'toString', '__proto__'])('refuses to open an account in %j', (currency) => {
    const error = given([])
      .when(openAccount('new', currency))
      .thenThrows(ValidationError, 'CURRENCY_UNKNOWN', `Unknown currency ${JSON.stringify(currency)}; use one of EUR, USD`);
    expect(error.field).toBe('currency');
  });
});

describe('owner name', () => {
  it.each(['', '   ', '\n\t'])('refuses the empty owner name %j', (ownerName) => {
    const error = given([])
      .when(openAccount('new', 'EUR', { ownerName }))
      .thenThrows(ValidationError, 'OWNER_NAME_INVALID', 'Enter the account owner’s name');
    expect(error.field).toBe('ownerName');
  });

  it.each([
    ['a NUL', 'Ada\u0000', 'a NUL character (U+0000), which cannot be stored'],
    ['half of a character pair', 'Ada \udc00', 'a broken character (U+DC00), which cannot be stored'],
  ])('refuses an owner name with %s, which no store keeps as written', (_, ownerName, what) => {
    given([])
      .when(openAccount('new', 'EUR', { ownerName }))
      .thenThrows(ValidationError, 'OWNER_NAME_INVALID', `The owner’s name contains ${what}; remove it.`);
  });

  it('accepts names in any script, emoji included, and trims the spaces and line breaks around them', () => {
    given([]).when(openAccount('new', 'EUR', { ownerName: ' Zoë 李 🙂\n' })).then([opened('new', 'EUR', 'Zoë 李 🙂')]);
  });

  it('refuses an owner name longer than the limit and accepts one at the limit', () => {
    given([])
      .when(openAccount('new', 'EUR', { ownerName: 'x'.repeat(MAX_OWNER_NAME + 1) }))
      .thenThrows(ValidationError, 'OWNER_NAME_INVALID', `too long (at most ${MAX_OWNER_NAME} characters)`);
    given([])
      .when(openAccount('new', 'EUR', { ownerName: 'x'.repeat(MAX_OWNER_NAME) }))
      .then([opened('new', 'EUR', 'x'.repeat(MAX_OWNER_NAME))]);
  });
});

describe('descriptions and reasons', () => {
  it('refuses a description longer than the limit', () => {
    const error = given(funded)
      .when(deposit('a', '1', 'x'.repeat(MAX_TEXT + 1)))
      .thenThrows(ValidationError, 'TEXT_TOO_LONG', `description is too long (at most ${MAX_TEXT} characters)`);
    expect(error.field).toBe('description');
  });

  it('refuses a description or reason with a NUL or half of a character pair, and keeps a tab as typed', () => {
    const error = given(funded)
      .when(deposit('a', '1', 'Rent\u0000'))
      .thenThrows(ValidationError, 'TEXT_INVALID', 'The description contains a NUL character (U+0000), which cannot be stored; remove it.');
    expect(error.field).toBe('description');
    given(funded).when(transfer('a', 'b', '1', 'Loan \ud83d')).thenThrows(ValidationError, 'TEXT_INVALID', 'a broken character (U+D83D)');
    given([opened('e')]).when(closeAccount('e', 'Moved\u0000')).thenThrows(ValidationError, 'TEXT_INVALID', 'The reason contains a NUL character');
    // Every other character is stored as it is: a tab pasted into a field, an emoji (a whole pair).
    given(funded).when(withdraw('a', '1', 'Fee\tMarch 🙂')).then([withdrawn('a', '1.00', 'Fee\tMarch 🙂')]);
  });

  it('refuses a closing reason longer than the limit', () => {
    given([opened('e')])
      .when(closeAccount('e', 'x'.repeat(MAX_TEXT + 1)))
      .thenThrows(ValidationError, 'TEXT_TOO_LONG', 'reason is too long');
  });
});

describe('ids', () => {
  it.each(['', 'has space', 'a/b', 'é', '<script>', 'x'.repeat(65)])('refuses to open an account with the id %j', (id) => {
    const error = given([])
      .when(openAccount(id))
      .thenThrows(ValidationError, 'ID_INVALID', 'accountId must be 1-64 letters, digits, "-" or "_"');
    expect(error.field).toBe('accountId');
  });

  it('accepts a UUID and an id of exactly 64 characters', () => {
    const uuid = '3f2b8c1e-9d4a-4b7e-8f00-0c1d2e3f4a5b';
    given([]).when(openAccount(uuid)).then([opened(uuid)]);
    given([]).when(openAccount('x'.repeat(64))).then([opened('x'.repeat(64))]);
  });

  it.each<[string, LedgerCommand]>([
    ['an account command', { ...deposit('a', '1'), commandId: 'not an id' }],
    ['a transfer, whose id it becomes', { ...transfer('a', 'b', '1'), commandId: 'not an id' }],
  ])('refuses %s with a malformed command id', (_what, command) => {
    const error = given(funded).when(command).thenThrows(ValidationError, 'ID_INVALID', 'commandId must be');
    expect(error.field).toBe('commandId');
  });
});
