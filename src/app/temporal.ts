import { evolve, initialState, replay, type AccountState } from '../domain/account';
import type { RecordedEvent } from '../domain/events';
import { toAmountString } from '../domain/money';
import type { Ledger, LoadedAccount } from './ledger';

export interface AccountAtPoint {
  accountId: string;
  ownerName: string;
  currency: string;
  status: 'open' | 'closed';
  balance: string;
}

export interface LedgerAtPoint {
  /** Last global position included (0 = before the first event). */
  position: number;
  /** Time of that event, or null before the first. */
  at: string | null;
  accounts: AccountAtPoint[];
}

function toInstant(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a valid point in time: ${String(at)}`);
  return date.toISOString();
}

function summarize(states: Map<string, AccountState>): AccountAtPoint[] {
  const accounts: AccountAtPoint[] = [];
  for (const state of states.values()) {
    if (state.status === 'none') continue;
    accounts.push({
      accountId: state.accountId,
      ownerName: state.ownerName,
      currency: state.currency,
      status: state.status,
      balance: toAmountString(state.balance, state.currency),
    });
  }
  return accounts;
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

  async ledgerAtPosition(position: number): Promise<LedgerAtPoint> {
    const events = await this.ledger.store.readAll(1, Math.max(0, position));
    return this.fold(events);
  }

  async ledgerAtTime(at: Date | string): Promise<LedgerAtPoint> {
    const instant = toInstant(at);
    const events = await this.ledger.store.readAll();
    const cut = events.findIndex((e) => e.metadata.at > instant);
    return this.fold(cut === -1 ? events : events.slice(0, cut));
  }

  private fold(events: RecordedEvent[]): LedgerAtPoint {
    const states = new Map<string, AccountState>();
    for (const event of events) states.set(event.streamId, evolve(states.get(event.streamId) ?? initialState, event));
    const last = events[events.length - 1];
    return { position: last?.position ?? 0, at: last?.metadata.at ?? null, accounts: summarize(states) };
  }
}
