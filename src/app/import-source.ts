import { ImportError, quoted } from '../domain/errors';
import { EXPORT_KEYS, FORMAT_NAME, FORMAT_VERSION } from './export-format';

/** Raised when a file is valid JSON but not laid out one event per line; the importer then parses it whole. */
class NotLineLayout extends Error {}

/**
 * Reads a file with `read`, streamed when it is laid out one event per line (`whole` false), else parsed
 * whole: the reader says NotLineLayout when the layout is another.
 */
export async function anyLayout<T>(read: (whole: boolean) => Promise<T>): Promise<T> {
  try {
    return await read(false);
  } catch (error) {
    if (!(error instanceof NotLineLayout)) throw error;
    return read(true);
  }
}

const EVENTS_OPEN = '"events":[';
const SLICE = 2_000;

export function checkHeader(doc: unknown): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ImportError('IMPORT_INVALID', 'The file is not a ledger export: expected a JSON object at the top.');
  }
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT_NAME) {
    throw new ImportError('IMPORT_INVALID', `The file is not a ledger export: "format" must be "${FORMAT_NAME}".`);
  }
  if (d.version !== FORMAT_VERSION) {
    throw new ImportError(
      'IMPORT_INVALID',
      `Export format version ${quoted(d.version)} is not supported (this app reads version ${FORMAT_VERSION}).`,
    );
  }
  for (const key of Object.keys(d)) {
    if (!EXPORT_KEYS.has(key)) throw new ImportError('IMPORT_INVALID', `Unknown top-level field ${quoted(key)}.`);
  }
  if (!Array.isArray(d.events)) throw new ImportError('IMPORT_INVALID', '"events" must be an array.');
  if (d.eventCount !== undefined && (typeof d.eventCount !== 'number' || !Number.isInteger(d.eventCount) || d.eventCount < 0)) {
    throw new ImportError('IMPORT_INVALID', '"eventCount" must be a whole number.');
  }
  return d;
}

export function checkCount(header: Record<string, unknown>, seen: number): void {
  if (header.eventCount !== undefined && header.eventCount !== seen) {
    throw new ImportError(
      'IMPORT_INVALID',
      `"eventCount" says ${String(header.eventCount)} but the file holds ${seen} events; the file is probably truncated.`,
    );
  }
}

/**
 * A read of the person's file, with the browser's refusal when the file changed, moved or vanished since it
 * was chosen said in words (the import then writes nothing).
 */
async function readOfFile<T>(reading: Promise<T>): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name !== 'NotReadableError' && name !== 'NotFoundError') throw error;
    throw new ImportError(
      'IMPORT_FILE_UNREADABLE',
      'The file could not be read to its end: it was changed, moved or deleted while it was being imported. Nothing was imported; choose the file again.',
    );
  }
}

function notJson(error: unknown): ImportError {
  return new ImportError('IMPORT_INVALID', `The file is not valid JSON (${(error as Error).message}).`);
}

/** What `EventReader.next()` answers while a file's next bytes are still on their way. */
export const NEED_MORE = Symbol('need more');

// Each read is a round trip to the browser's blob store, so reads are large.
const BLOB_CHUNK = 16 * 2 ** 20;

/**
 * Yields the text of a string or a file line by line. Reading a file's next
 * chunk is the only asynchronous step, and it is the caller's to await (inside
 * a transaction, through Dexie.waitFor): everything else is synchronous, so an
 * import never awaits a promise IndexedDB does not know about.
 */
class LineReader {
  private text = '';
  private at = 0;
  private offset = 0;
  private ahead: Promise<ArrayBuffer> | null = null;
  private readonly decoder = new TextDecoder();

  constructor(private readonly source: string | Blob) {
    if (typeof source === 'string') this.text = source;
  }

  private get ended(): boolean {
    return typeof this.source === 'string' || this.offset >= this.source.size;
  }

  next(): string | null | typeof NEED_MORE {
    const end = this.text.indexOf('\n', this.at);
    if (end !== -1) {
      const line = this.text.slice(this.at, end);
      this.at = end + 1;
      return line;
    }
    if (!this.ended) return NEED_MORE;
    if (this.at >= this.text.length) return null;
    const line = this.text.slice(this.at);
    this.at = this.text.length;
    return line;
  }

  async fill(): Promise<void> {
    const bytes = await (this.ahead ?? this.read(this.offset));
    this.offset += BLOB_CHUNK;
    // The next chunk is on its way while this one is parsed and checked.
    this.ahead = this.ended ? null : this.read(this.offset);
    this.text = this.text.slice(this.at) + this.decoder.decode(bytes, { stream: !this.ended });
    this.at = 0;
  }

  private read(offset: number): Promise<ArrayBuffer> {
    const chunk = readOfFile((this.source as Blob).slice(offset, offset + BLOB_CHUNK).arrayBuffer());
    // Read ahead of need: an import that fails meanwhile never awaits it.
    chunk.catch(() => undefined);
    return chunk;
  }
}

/**
 * The events of an export in slices. Files written by this app have one
 * event per line, so they are read and parsed a line at a time and never held
 * whole; any other valid layout is parsed in one piece.
 */
export class EventReader {
  private readonly lines: LineReader;
  private header: Record<string, unknown> | null = null;
  private whole: unknown[] | null = null;
  private wholeAt = 0;
  private closed = false;
  // JSON needs a comma between events and none after the last; anything else is left to the whole-file parser.
  private commaPending = false;
  private count = 0;
  /** The text of each event of the last slice, when it came one per line (undefined in whole-file mode). */
  texts: string[] | undefined;

  constructor(
    private readonly source: string | Blob,
    private readonly parseWhole: boolean,
  ) {
    this.lines = new LineReader(source);
  }

  /** The header, once `start` has been answered with something other than NEED_MORE. */
  get document(): Record<string, unknown> {
    if (!this.header) throw new Error('EventReader.start() has not finished');
    return this.header;
  }

  /** Reads the header: true when ready, NEED_MORE when the caller must `fill()` first. */
  start(): true | typeof NEED_MORE {
    if (this.header) return true;
    if (this.parseWhole) {
      if (typeof this.source !== 'string') return NEED_MORE;
      return this.startWhole(this.source);
    }
    const first = this.lines.next();
    if (first === NEED_MORE) return NEED_MORE;
    const line = (first ?? '').trimEnd();
    if (!line.startsWith('{') || !line.endsWith(EVENTS_OPEN)) throw new NotLineLayout();
    let header: unknown;
    try {
      header = JSON.parse(`${line}]}`);
    } catch {
      throw new NotLineLayout();
    }
    this.header = checkHeader(header);
    return true;
  }

  /** Whole-file mode on a file: the caller awaits this (through Dexie.waitFor), then calls start again. */
  async fill(): Promise<void> {
    if (this.parseWhole && typeof this.source !== 'string') {
      this.startWhole(await readOfFile(this.source.text()));
      return;
    }
    await this.lines.fill();
  }

  private startWhole(text: string): true {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw notJson(error);
    }
    this.header = checkHeader(doc);
    this.whole = this.header.events as unknown[];
    return true;
  }

  /** The next slice of raw events, null at the end, NEED_MORE when the caller must `fill()` first. */
  next(): unknown[] | null | typeof NEED_MORE {
    if (this.whole) {
      this.texts = undefined;
      if (this.wholeAt >= this.whole.length) return null;
      const slice = this.whole.slice(this.wholeAt, this.wholeAt + SLICE);
      this.wholeAt += slice.length;
      return slice;
    }
    const slice: unknown[] = [];
    const texts: string[] = [];
    this.texts = texts;
    while (slice.length < SLICE) {
      const raw = this.lines.next();
      if (raw === NEED_MORE) {
        if (slice.length) break;
        return NEED_MORE;
      }
      if (raw === null) {
        if (!this.closed) throw new NotLineLayout();
        break;
      }
      const line = raw.trim();
      if (this.closed) {
        if (line) throw new NotLineLayout();
        continue;
      }
      if (line === ']}') {
        if (this.commaPending) throw new NotLineLayout();
        this.closed = true;
        continue;
      }
      if (this.count > 0 && !this.commaPending) throw new NotLineLayout();
      this.commaPending = line.endsWith(',');
      const text = this.commaPending ? line.slice(0, -1) : line;
      try {
        slice.push(JSON.parse(text));
      } catch {
        throw new NotLineLayout();
      }
      texts.push(text);
      this.count++;
    }
    return slice.length ? slice : null;
  }
}
