import type { AccountState } from './account';
import type { Transfer } from './commands';
import type { TransferReceived, TransferSent } from './events';
import { parseAmount, toAmountString } from './money';
import { assertFunds, assertId, assertOpen, assertTransferable, parseText } from './rules';

/**
 * A transfer is decided over both accounts at once and yields one event for
 * each stream; the store writes the pair in one transaction or not at all.
 */
export function decideTransfer(
  command: Transfer,
  from: AccountState,
  to: AccountState,
): { sent: TransferSent; received: TransferReceived } {
  // The command id becomes the transfer id recorded on both streams.
  const transferId = assertId(command.commandId, 'commandId');
  const { fromAccountId, toAccountId } = command.data;
  const source = assertOpen(from, fromAccountId, 'Source account');
  if (fromAccountId === toAccountId) {
    assertTransferable(source, source, fromAccountId, toAccountId);
  }
  const target = assertOpen(to, toAccountId, 'Target account');
  assertTransferable(source, target, fromAccountId, toAccountId);
  const amount = parseAmount(command.data.amount, source.currency);
  const description = parseText(command.data.description, 'description');
  assertFunds(source, amount);
  const amountText = toAmountString(amount, source.currency);
  return {
    sent: {
      type: 'TransferSent',
      data: { accountId: fromAccountId, transferId, toAccountId, amount: amountText, description },
    },
    received: {
      type: 'TransferReceived',
      data: { accountId: toAccountId, transferId, fromAccountId, amount: amountText, description },
    },
  };
}
