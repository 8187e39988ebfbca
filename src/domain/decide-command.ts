import { decide } from './account';
import type { AccountState } from './account-state';
import type { LedgerCommand } from './commands';
import { assertNever } from './errors';
import type { AccountEvent } from './events';
import { decideTransfer } from './transfer';

/** An account as a command is decided on: its state and the stream version that state is at. */
export interface LoadedAccount {
  state: AccountState;
  version: number;
}

/** What a command decides for one stream: its events, to append at the version they were decided on. */
export interface StreamDecision {
  streamId: string;
  expectedVersion: number;
  events: AccountEvent[];
}

/** The accounts a command reads and writes; the first is the one it is about. */
export function streamsOf(command: LedgerCommand): string[] {
  return command.type === 'Transfer' ? [command.data.fromAccountId, command.data.toAccountId] : [command.data.accountId];
}

/**
 * Decides any command on the accounts it touches (each loaded by the caller, see streamsOf). The browser and
 * the server both run commands through this, so which decider a command goes to is written once.
 */
export function decideCommand(command: LedgerCommand, accounts: ReadonlyMap<string, LoadedAccount>): StreamDecision[] {
  const account = (id: string): LoadedAccount => {
    const loaded = accounts.get(id);
    if (!loaded) throw new Error(`Account ${id} was not loaded before its command was decided`);
    return loaded;
  };
  switch (command.type) {
    case 'OpenAccount':
    case 'Deposit':
    case 'Withdraw':
    case 'CloseAccount': {
      const { state, version } = account(command.data.accountId);
      return [{ streamId: command.data.accountId, expectedVersion: version, events: decide(command, state) }];
    }
    case 'Transfer': {
      const { fromAccountId, toAccountId } = command.data;
      const [from, to] = [account(fromAccountId), account(toAccountId)];
      const { sent, received } = decideTransfer(command, from.state, to.state);
      return [
        { streamId: fromAccountId, expectedVersion: from.version, events: [sent] },
        { streamId: toAccountId, expectedVersion: to.version, events: [received] },
      ];
    }
    default:
      return assertNever(command, 'command');
  }
}
