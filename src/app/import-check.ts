import { ImportError, type ImportPlace } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { LedgerCheck } from '../domain/ledger-check';
import type { FoldSegment, SnapshotRecord } from '../store/records';
import { eventText } from '../store/event-text';
import { FoldSegmentBuilder, type SegmentRows } from '../store/fold-segments';
import { SNAPSHOT_SCHEMA_VERSION, serializeState } from '../store/snapshot-state';
import { EventReader, NEED_MORE, checkCount } from './import-source';

/**
 * A slice of an import file, read, checked and with the rules replayed:
 * everything the writer needs, and nothing it must parse or add up again.
 * The checker and the writer share a thread, so the columns are handed over
 * as they were built.
 */
export interface CheckedSlice {
  /** The read models' view of the slice's events, as it is stored; row i is the event at position segment.start + i. */
  segment: FoldSegment;
  /** The segment's text columns as rows. */
  rows: SegmentRows;
  /** Each event's stored text (a line of the file or JSON.stringify's output: never a raw newline). */
  texts: string[];
  commandIds: string[];
  /** Snapshots of the accounts whose stream reached a multiple of snapshotEvery in this slice. */
  snapshots: SnapshotRecord[];
}

/** Waits for the file's next bytes: inside the import's transaction, in a way that keeps it alive. */
export type Wait = <T>(promise: Promise<T>) => Promise<T>;

/** What the whole file came to, once its last event was checked. */
export interface CheckSummary {
  events: number;
  accounts: number;
  /** Times of the first and the last event ('' for an empty file). */
  firstAt: string;
  lastAt: string;
}

/** An ImportError as it crosses from the Worker that found it. */
export interface ImportErrorParts extends ImportPlace {
  code: ImportError['code'];
  detail: string;
}

export function importErrorParts({ code, detail, eventIndex, field, place, amounts }: ImportError): ImportErrorParts {
  return { code, detail, amounts, ...(eventIndex !== undefined && { eventIndex }), ...(field !== undefined && { field }), ...(place !== undefined && { place }) };
}

export function importErrorFrom({ code, detail, ...where }: ImportErrorParts): ImportError {
  return new ImportError(code, detail, where);
}

/** A line of a file could carry any amount of padding; a longer one is stored in canonical form. */
const MAX_KEPT_LINE = 4096;

/**
 * The text an imported event is kept as: its own line when the file had one
 * event per line (already checked, and free to keep), else canonical JSON.
 * Either way it holds the file's data as written, older schema versions
 * included, so an export gives the same events back.
 */
function storedText(event: RecordedEvent, raw: unknown, line: string | undefined): string {
  if (line !== undefined && line.length <= MAX_KEPT_LINE) return line;
  const { data } = raw as { data: Record<string, unknown> };
  const { position, version, type, schemaVersion, metadata } = event;
  return eventText(event.streamId, { position, version, type, schemaVersion, data, metadata });
}

/**
 * Reads an export and checks it a slice at a time: every event validated and
 * the rules replayed in order, so the first bad event throws its ImportError.
 * The only waits are for the file's next bytes, through the `wait` it is
 * given: it runs inside the import's transaction (in the import's Worker, or
 * on the page where there is none), whose `wait` keeps the transaction alive.
 */
export class SliceChecker {
  private readonly reader: EventReader;
  private readonly check: LedgerCheck;
  private index = 0;
  private firstAt = '';
  private lastAt = '';
  /** The command of the last event checked, so a commit split over two slices is known as one. */
  private lastCommand: string | undefined;

  constructor(
    source: string | Blob,
    whole: boolean,
    private readonly snapshotEvery: number,
  ) {
    this.reader = new EventReader(source, whole);
    // A file of one event per line is refused by its line number: the header is line 1.
    this.check = new LedgerCheck(whole ? {} : { placeOf: (index) => `line ${index + 2}` });
  }

  /** The event count the file's header gives, reading the file as far as the header. */
  async readHeader(wait: Wait): Promise<{ total: number | null }> {
    while (this.reader.start() === NEED_MORE) await wait(this.reader.fill());
    const { eventCount } = this.reader.document;
    return { total: typeof eventCount === 'number' ? eventCount : null };
  }

  /** The next checked slice, reading the file as far as it needs; null after the last one, once the file as a whole has been checked too. */
  async readSlice(wait: Wait): Promise<CheckedSlice | null> {
    for (;;) {
      const slice = this.next();
      if (slice !== NEED_MORE) return slice;
      await wait(this.reader.fill());
    }
  }

  private next(): CheckedSlice | null | typeof NEED_MORE {
    const raws = this.reader.next();
    if (raws === NEED_MORE) return NEED_MORE;
    if (raws === null) {
      this.check.finish();
      checkCount(this.reader.document, this.index);
      return null;
    }
    const lines = this.reader.texts;
    const segment = new FoldSegmentBuilder(this.lastCommand);
    const texts: string[] = [];
    const commandIds: string[] = [];
    const snapshots: SnapshotRecord[] = [];
    raws.forEach((raw, i) => {
      const event = this.check.accept(raw, this.index++);
      const { streamId, version, position, metadata } = event;
      texts.push(storedText(event, raw, lines?.[i]));
      commandIds.push(metadata.commandId);
      segment.add(event, this.check.balanceText(streamId));
      if (this.snapshotEvery > 0 && version % this.snapshotEvery === 0) {
        const state = serializeState(this.check.stateOf(streamId));
        snapshots.push({ streamId, version, position, at: metadata.at, schemaVersion: SNAPSHOT_SCHEMA_VERSION, state });
      }
      this.lastAt = metadata.at;
    });
    if (this.firstAt === '' && texts.length) this.firstAt = segment.rows.ats[0]!;
    this.lastCommand = segment.lastCommand;
    return { segment: segment.take()!, rows: segment.rows, texts, commandIds, snapshots };
  }

  summary(): CheckSummary {
    return { events: this.index, accounts: this.check.accountCount, firstAt: this.firstAt, lastAt: this.lastAt };
  }
}
