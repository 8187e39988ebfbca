import { describe, expect, it } from 'vitest';
import { evolve, initialState } from '../../../src/domain/account';
import type { LedgerCommand } from '../../../src/domain/commands';
import { commandsOf, decideCommand, streamsOf, type LoadedAccount } from '../../../src/domain/decide-command';
import type { RecordedEvent } from '../../../src/domain/events';

/** A tiny in-memory ledger: every command decided through decideCommand, its events recorded as the log would. */
class MemoryLedger {
  readonly accounts = new Map<string, LoadedAccount>();
  readonly log: RecordedEvent[] = [];

  run(command: LedgerCommand): RecordedEvent[] {
    const loaded = new Map(streamsOf(command).map((id) => [id, this.accounts.get(id) ?? { state: initialState, version: 0 }]));
    const recorded: RecordedEvent[] = [];
    for (const { streamId, expectedVersion, events } of decideCommand(command, loaded)) {
      events.forEach((event, i) => {
        const version = expectedVersion + i + 1;
        const at = `2026-01-01T09:00:${String(this.log.length).padStart(2, '0')}.000Z`;
        recorded.push({ ...event, streamId, version, position: this.log.length + recorded.length + 1, schemaVersion: 1, metadata: { eventId: `e${this.log.length + recorded.length}`, commandId: command.commandId, at } } as RecordedEvent);
        const before = this.accounts.get(streamId) ?? { state: initialState, version: 0 };
        this.accounts.set(streamId, { state: evolve(before.state, event), version });
      });
    }
    this.log.push(...recorded);
    return recorded;
  }
}

const commands: LedgerCommand[] = [
  { type: 'OpenAccount', commandId: 'c1', data: { accountId: 'ada', ownerName: ' Ada Lovelace ', currency: 'EUR', initialDeposit: '100.5' } },
  { type: 'OpenAccount', commandId: 'c2', data: { accountId: 'bob', ownerName: 'Bob Bemer', currency: 'EUR' } },
  { type: 'Deposit', commandId: 'c3', data: { accountId: 'bob', amount: '7', description: ' rent ' } },
  { type: 'Withdraw', commandId: 'c4', data: { accountId: 'ada', amount: '0.50' } },
  { type: 'Transfer', commandId: 'c5', data: { fromAccountId: 'ada', toAccountId: 'bob', amount: '30', description: 'share' } },
  { type: 'Withdraw', commandId: 'c6', data: { accountId: 'bob', amount: '37.00' } },
  { type: 'CloseAccount', commandId: 'c7', data: { accountId: 'bob', reason: 'moved' } },
];

describe('decideCommand and commandsOf', () => {
  it('reads every command back from its events, as it was decided: deciding it again writes the same events', () => {
    const original = new MemoryLedger();
    for (const command of commands) original.run(command);

    const read = commandsOf(original.log);
    expect(read.map(({ command }) => command.commandId)).toEqual(commands.map((c) => c.commandId));
    // As decided: trimmed texts, amounts in canonical form.
    expect(read[0]!.command).toEqual({ type: 'OpenAccount', commandId: 'c1', data: { accountId: 'ada', ownerName: 'Ada Lovelace', currency: 'EUR', initialDeposit: '100.50' } });
    expect(read[2]!.command).toEqual({ type: 'Deposit', commandId: 'c3', data: { accountId: 'bob', amount: '7.00', description: 'rent' } });
    expect(read[4]!.command).toEqual({ type: 'Transfer', commandId: 'c5', data: { fromAccountId: 'ada', toAccountId: 'bob', amount: '30.00', description: 'share' } });
    expect(read.map(({ at }) => at)).toEqual(commands.map((_, i) => original.log.find((e) => e.metadata.commandId === `c${i + 1}`)!.metadata.at));

    const again = new MemoryLedger();
    for (const { command } of read) again.run(command);
    expect(again.log).toEqual(original.log);
  });

  it('decides a transfer on both accounts and refuses what the rules refuse', () => {
    const ledger = new MemoryLedger();
    ledger.run(commands[0]!);
    ledger.run(commands[1]!);
    const events = ledger.run(commands[4]!);
    expect(events.map((e) => `${e.streamId} ${e.type} ${e.version}`)).toEqual(['ada TransferSent 3', 'bob TransferReceived 2']);
    expect(() => ledger.run({ type: 'Withdraw', commandId: 'c9', data: { accountId: 'bob', amount: '31.00' } })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_FUNDS' }));
  });

  it('refuses to decide on an account its caller did not load', () => {
    expect(() => decideCommand(commands[2]!, new Map())).toThrow('Account bob was not loaded before its command was decided');
  });
});
