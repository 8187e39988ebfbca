import { ValidationError } from '../domain/errors';
import { replay } from '../domain/account';
import type { RecordedEvent } from '../domain/events';
import { commitBoundary, commitEndingAt, ledgerAt, type LedgerAtPoint } from '../projections/timeline';
import type { Ledger, LoadedAccount } from './ledger';

export type { AccountAtPoint, LedgerAtPoint } from '../projections/timeline';

export function toInstant(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new ValidationError('TIME_INVALID', 'at', `Not a valid date and time: ${String(at)}.`);
  return date.toISOString();
}

/**
 * Temporal queries. Event times never go backwards along the log (the store
 * stamps each commit no earlier than the one before), so "as of time t" is
 * always a prefix of the log: a state that really existed.
 */
export class TimeTravel {
  constructor(private readonly ledger: Ledger) {}

  accountAtVersion(accountId: string, version: number): Promise<LoadedAccount> {
    return this.ledger.loadAccount(accountId, version);
  }

  async accountAtTime(accountId: string, at: Date | string): Promise<LoadedAccount> {
    const instant = toInstant(at);
    const snapshot = await this.ledger.snapshots.latest(accountId, Number.MAX_SAFE_INTEGER, instant);
    const tail = await this.ledger.store.readStream(accountId, (snapshot?.version ?? 0) + 1);
    const upTo = tail.filter((e) => e.metadata.at <= instant);
    const version = upTo.length > 0 ? upTo[upTo.length - 1]!.version : (snapshot?.version ?? 0);
    return { state: replay(upTo, snapshot?.state), version };
  }

  /**
   * The whole ledger after the commit that ends nearest `position`, toward `toward` (earlier by default): a
   * transfer is never shown half done.
   */
  async ledgerAtPosition(position: number, toward: 'earlier' | 'later' = 'earlier'): Promise<LedgerAtPoint> {
    return ledgerAt(this.ledger.db, { position: await commitBoundary(this.ledger.db, position, toward) });
  }

  /** What happened at the commit that ends at `position`: its events, oldest first. */
  commitEndingAt(position: number): Promise<RecordedEvent[]> {
    return commitEndingAt(this.ledger.db, position);
  }

  ledgerAtTime(at: Date | string): Promise<LedgerAtPoint> {
    return ledgerAt(this.ledger.db, { at: toInstant(at) });
  }
}
