import type { RecordedEvent } from '../domain/events';
import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { ProjectionBuilder } from './fold';
import { HISTORY_PAGE_SIZE, type AccountRow, type HistoryPage } from './rows';

/** Raise when a fold changes: stored read models of another version are rebuilt on open. */
export const PROJECTION_VERSION = 1;
export const PROJECTION_NAMES = ['accounts', 'history'] as const;

/** Keeps the read models in step with the log. Runs inside the caller's transaction. */
export class Projector {
  private readonly store: EventStore;
  constructor(private readonly db: LedgerDb) {
    this.store = new EventStore(db);
  }

  /** Folds freshly appended events into the read models, in the append's own transaction. */
  async applyInline(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const ids = [...new Set(events.map((e) => e.streamId))];
    const rows = (await this.db.accounts.bulkGet(ids)).filter((r): r is AccountRow => r !== undefined);
    const lastPageKeys = rows
      .filter((r) => r.transactionCount > 0)
      .map((r): [string, number] => [r.accountId, Math.floor((r.transactionCount - 1) / HISTORY_PAGE_SIZE)]);
    const lastPages = (await this.db.history.bulkGet(lastPageKeys)).filter((p): p is HistoryPage => p !== undefined);
    const builder = new ProjectionBuilder({ accounts: rows, lastPages });
    for (const event of events) builder.apply(event);
    await this.write(builder, events[events.length - 1]!.position);
  }

  private async write(builder: ProjectionBuilder, position: number): Promise<void> {
    await this.db.accounts.bulkPut([...builder.accounts.values()]);
    await this.db.history.bulkPut(builder.allPages());
    await this.db.checkpoints.bulkPut(PROJECTION_NAMES.map((name) => ({ name, position, version: PROJECTION_VERSION })));
  }

  /** Builds the read models from a whole log held in memory and writes them over the old ones. */
  async replaceWith(events: Iterable<RecordedEvent>, position: number): Promise<void> {
    const builder = new ProjectionBuilder();
    for (const event of events) builder.apply(event);
    await this.db.accounts.clear();
    await this.db.history.clear();
    await this.write(builder, position);
  }

  /** Drops the read models and replays the whole log into them, in one transaction. */
  async rebuild(): Promise<{ events: number }> {
    return this.db.transaction('rw', [this.db.commits, this.db.meta, this.db.accounts, this.db.history, this.db.checkpoints], async () => {
      const meta = await this.store.meta();
      const events = await this.store.readAll(1, meta.position);
      await this.replaceWith(events, meta.position);
      return { events: events.length };
    });
  }

  /** True when every read model has folded the whole log with the current projection code. */
  async isCurrent(): Promise<boolean> {
    const [meta, checkpoints] = await Promise.all([this.store.meta(), this.db.checkpoints.toArray()]);
    return PROJECTION_NAMES.every((name) => {
      const checkpoint = checkpoints.find((c) => c.name === name);
      if (meta.position === 0 && !checkpoint) return true;
      return checkpoint?.position === meta.position && checkpoint.version === PROJECTION_VERSION;
    });
  }
}
