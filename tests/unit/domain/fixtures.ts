import type { CloseAccount, Deposit, OpenAccount, Transfer, Withdraw } from '../../../src/domain/commands';
import type { AccountEvent } from '../../../src/domain/events';
import type { Currency } from '../../../src/domain/money';

/**
 * Commands and events with fixed ids, so a test can spell out the exact
 * events it expects (a transfer's id is its command id).
 */

export const OWNER = 'Ada Lovelace';
export const TRANSFER_ID = 'tx-1';

export const openAccount = (
  accountId: string,
  currency = 'EUR',
  more: { ownerName?: string; initialDeposit?: string } = {},
): OpenAccount => ({
  type: 'OpenAccount',
  commandId: 'open-1',
  data: { accountId, ownerName: OWNER, currency, ...more },
});

function moneyCommand<T extends 'Deposit' | 'Withdraw'>(type: T) {
  return (accountId: string, amount: string, description?: string) =>
    ({
      type,
      commandId: `${type.toLowerCase()}-1`,
      data: { accountId, amount, ...(description === undefined ? {} : { description }) },
    }) as T extends 'Deposit' ? Deposit : Withdraw;
}
export const deposit = moneyCommand('Deposit');
export const withdraw = moneyCommand('Withdraw');

export const transfer = (fromAccountId: string, toAccountId: string, amount: string, description?: string): Transfer => ({
  type: 'Transfer',
  commandId: TRANSFER_ID,
  data: { fromAccountId, toAccountId, amount, ...(description === undefined ? {} : { description }) },
});

export const closeAccount = (accountId: string, reason?: string): CloseAccount => ({
  type: 'CloseAccount',
  commandId: 'close-1',
  data: { accountId, ...(reason === undefined ? {} : { reason }) },
});

export const opened = (accountId: string, currency: Currency = 'EUR', ownerName = OWNER): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountId, ownerName, currency },
});
export const deposited = (accountId: string, amount: string, description = ''): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountId, amount, description },
});
export const withdrawn = (accountId: string, amount: string, description = ''): AccountEvent => ({
  type: 'MoneyWithdrawn',
  data: { accountId, amount, description },
});
export const sent = (accountId: string, toAccountId: string, amount: string, transferId = TRANSFER_ID, description = ''): AccountEvent => ({
  type: 'TransferSent',
  data: { accountId, transferId, toAccountId, amount, description },
});
export const received = (accountId: string, fromAccountId: string, amount: string, transferId = TRANSFER_ID, description = ''): AccountEvent => ({
  type: 'TransferReceived',
  data: { accountId, transferId, fromAccountId, amount, description },
});
export const closed = (accountId: string, reason = ''): AccountEvent => ({
  type: 'AccountClosed',
  data: { accountId, reason },
});
