import { decide } from './account';
import type { AccountState } from './account-state';
import type { LedgerCommand } from './commands';
import { assertNever } from './errors';
import type { AccountEvent, RecordedEvent } from './events';
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

/** A command read back from the events it wrote, with the time it ran. */
export interface RecordedCommand {
  command: LedgerCommand;
  at: string;
}

/**
 * The commands that wrote these events (a log's consecutive commits), each as it was decided: deciding it
 * again on the same accounts writes the same events. Sync sends a device's commands to the server this way,
 * read from the log, so a pending command is never kept twice.
 */
export function commandsOf(events: readonly RecordedEvent[]): RecordedCommand[] {
  const commands: RecordedCommand[] = [];
  for (let i = 0; i < events.length; ) {
    const first = events[i]!;
    const { commandId, at } = first.metadata;
    const second = events[i + 1]?.metadata.commandId === commandId ? events[i + 1] : undefined;
    commands.push({ command: commandOf(first, second), at });
    i += second ? 2 : 1;
  }
  return commands;
}

function commandOf(first: RecordedEvent, second: RecordedEvent | undefined): LedgerCommand {
  const { commandId } = first.metadata;
  switch (first.type) {
    case 'AccountOpened': {
      const { accountId, ownerName, currency } = first.data;
      const initialDeposit = second?.type === 'MoneyDeposited' ? { initialDeposit: second.data.amount } : {};
      return { type: 'OpenAccount', commandId, data: { accountId, ownerName, currency, ...initialDeposit } };
    }
    case 'MoneyDeposited':
    case 'MoneyWithdrawn': {
      const { accountId, amount, description } = first.data;
      return { type: first.type === 'MoneyDeposited' ? 'Deposit' : 'Withdraw', commandId, data: { accountId, amount, description } };
    }
    case 'TransferSent': {
      const { accountId, toAccountId, amount, description } = first.data;
      return { type: 'Transfer', commandId, data: { fromAccountId: accountId, toAccountId, amount, description } };
    }
    case 'AccountClosed':
      return { type: 'CloseAccount', commandId, data: { accountId: first.data.accountId, reason: first.data.reason } };
    case 'TransferReceived':
      throw new Error(`Command ${commandId} begins with a TransferReceived: no command writes that`);
    default:
      return assertNever(first, 'event');
  }
}
