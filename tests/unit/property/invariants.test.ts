import { describe, expect, it } from 'vitest';
import { auditLog, conservationProblems, outcomeProblems, settleAttempts, type LogEvent } from '../../harness/invariants';
import { LogFixture } from '../../store/hostile-fixtures';

// The stress and property tests are only as good as this audit: it must see each kind of damage.
const log = (fixture: LogFixture): LogEvent[] => structuredClone(fixture.events) as unknown as LogEvent[];
const sound = () => new LogFixture().open('a').deposit('a', '10.00').open('b').transfer('a', 'b', '4.00');

describe('the log audit', () => {
  it('finds nothing wrong with a sound log and totals its money', () => {
    const audit = auditLog(log(sound()));
    expect(audit.problems).toEqual([]);
    expect(audit.accounts.get('a')?.balance.toFixed(2)).toBe('6.00');
    expect(conservationProblems(audit, [
      { accountId: 'a', currency: 'EUR', balance: '6.00' },
      { accountId: 'b', currency: 'EUR', balance: '4.00' },
    ])).toEqual([]);
  });

  it('flags half a transfer, a balance below zero, a gap in positions and a repeated version', () => {
    const halfTransfer = log(sound()).slice(0, 4);
    expect(auditLog(halfTransfer).problems).toEqual(['position 4: a transfer with no receiving side']);
    const overdrawn = log(new LogFixture().open('a').deposit('a', '1.00').withdraw('a', '2.00'));
    expect(auditLog(overdrawn).problems).toEqual(['position 3 (MoneyWithdrawn on a): balance went negative (-1)']);
    const gap = log(sound()).filter((e) => e.position !== 2);
    expect(auditLog(gap).problems.join('\n')).toMatch(/expected position 2/);
    const repeated = log(sound());
    repeated[1]!.version = 1;
    expect(auditLog(repeated).problems.join('\n')).toMatch(/expected version 2, found 1/);
  });

  it('flags read-model balances that disagree with the log or do not add up', () => {
    const audit = auditLog(log(sound()));
    expect(conservationProblems(audit, [
      { accountId: 'a', currency: 'EUR', balance: '6.00' },
      { accountId: 'b', currency: 'EUR', balance: '5.00' },
    ])).toEqual(['account b: read model says 5.00, the log says 4', 'EUR: accounts hold 11 but 10 came in net']);
  });

  it('flags a command that took effect twice, a done one missing and a refused one present', () => {
    const audit = auditLog(log(sound()));
    expect(settleAttempts([
      { commandId: 'x', answer: 'fresh', wrote: 1 },
      { commandId: 'x', answer: 'fresh', wrote: 1 },
      { commandId: 'y', answer: 'duplicate' },
    ]).problems).toEqual(['x took effect twice', 'y was answered "already done" but never took effect']);
    expect(outcomeProblems(audit, [
      { commandId: 'fcmd-2', wrote: null },
      { commandId: 'fcmd-9', wrote: 1 },
    ])).toEqual(['fcmd-2 was refused but wrote 1 events', 'fcmd-9 reported 1 events, the log holds 0']);
  });
});
