/**
 * A Bloom filter of the command ids an import wrote: "no" is certain, "maybe"
 * means look in the command buckets. Every command a person makes after an
 * import has a new id, and this spares it the bucket read (about a fifth of a
 * deposit's time on an imported ledger).
 */
export interface CommandFilterRecord {
  /** The import's write mark (LogMeta.importMark): the filter belongs to that import's buckets alone. */
  mark: string;
  hashes: number;
  bits: Uint8Array;
}

const BITS_PER_ID = 10;
const HASHES = 7;
const MIN_BITS = 8192;

/** Two 32-bit FNV-1a hashes of the id, from different offsets, for double hashing. */
function hashPair(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  // An odd step visits every bit position of a power-of-two-sized filter.
  return [a >>> 0, (b | 1) >>> 0];
}

export class CommandFilter {
  private constructor(
    private readonly bits: Uint8Array,
    private readonly hashes: number,
  ) {}

  /** An empty filter sized for about `ids` ids (at 1% false positives). */
  static sizedFor(ids: number): CommandFilter {
    let size = MIN_BITS;
    while (size < ids * BITS_PER_ID) size *= 2;
    return new CommandFilter(new Uint8Array(size / 8), HASHES);
  }

  /** The filter a stored record holds, or null when the record is not one this app can trust. */
  static from(record: CommandFilterRecord | undefined): CommandFilter | null {
    if (!record || !(record.bits instanceof Uint8Array) || !Number.isInteger(record.hashes) || record.hashes < 1) return null;
    const size = record.bits.length * 8;
    if (size < MIN_BITS || (size & (size - 1)) !== 0) return null;
    return new CommandFilter(record.bits, record.hashes);
  }

  add(id: string): void {
    this.each(id, (byte, bit) => {
      this.bits[byte]! |= bit;
      return true;
    });
  }

  /** False only for an id that was certainly never added. */
  mightHave(id: string): boolean {
    return this.each(id, (byte, bit) => (this.bits[byte]! & bit) !== 0);
  }

  record(mark: string): CommandFilterRecord {
    return { mark, hashes: this.hashes, bits: this.bits };
  }

  /** Visits the id's bit positions while `visit` says true; whether it did so for all of them. */
  private each(id: string, visit: (byte: number, bit: number) => boolean): boolean {
    const mask = this.bits.length * 8 - 1;
    const [first, step] = hashPair(id);
    for (let i = 0, at = first; i < this.hashes; i++, at = (at + step) >>> 0) {
      const position = at & mask;
      if (!visit(position >>> 3, 1 << (position & 7))) return false;
    }
    return true;
  }
}
