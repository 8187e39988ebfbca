import { beforeAll, describe, expect, it } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { ImportError, type ErrorCode } from '../../src/domain/errors';
import { deleteLedger, deposit, open, openLedger } from '../support/ledger';
import { dumpDb, runMixedHistory, useLedgers } from '../support/store';

const ledgers = useLedgers();
const AT = new Date('2030-01-01T00:00:00.000Z');

interface FileEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
}
interface FileDocument {
  format: string;
  version: number;
  eventCount: number;
  events: FileEvent[];
}

/** The export of the mixed history, read once; each case spoils a copy of it. */
let goodText: string;
beforeAll(async () => {
  const source = await openLedger();
  await runMixedHistory(source);
  goodText = await exportLedger(source.db, AT);
  await deleteLedger(source);
});

function spoiled(change: (doc: FileDocument) => void): string {
  const doc = JSON.parse(goodText) as FileDocument;
  change(doc);
  return JSON.stringify(doc);
}

/** Index of the first event matching, so a case names the event it breaks. */
const indexOf = (match: (e: FileEvent) => boolean) => (JSON.parse(goodText) as FileDocument).events.findIndex(match);
const aliceWithdrawal = () => indexOf((e) => e.streamId === 'alice' && e.type === 'MoneyWithdrawn');
const bobReceives = () => indexOf((e) => e.type === 'TransferReceived' && e.streamId === 'bob');

interface Refusal {
  text: () => string;
  code?: ErrorCode;
  eventIndex?: () => number;
  field?: string;
  message: RegExp;
}

const refusals: [string, Refusal][] = [
  ['a file that is not JSON', { text: () => goodText.slice(0, -40), message: /not valid JSON/ }],
  ['a file of another format', { text: () => spoiled((d) => (d.format = 'bank-statement')), message: /"format" must be "ledger-events"/ }],
  ['a newer format version', { text: () => spoiled((d) => (d.version = 2)), message: /version 2 is not supported/ }],
  ['an event count that does not match the events', { text: () => spoiled((d) => (d.eventCount += 1)), message: /"eventCount" says 15 but the file holds 14/ }],
  [
    'an overdraft in the middle of the log',
    {
      text: () => spoiled((d) => (d.events[aliceWithdrawal()]!.data.amount = '1000.00')),
      eventIndex: aliceWithdrawal,
      message: /this withdrawal of 1000\.00 EUR from Alice .*would overdraw the account, whose balance is/,
    },
  ],
  [
    'an event of an unknown type',
    {
      text: () => spoiled((d) => (d.events[3]!.type = 'MoneyTeleported')),
      code: 'UNKNOWN_EVENT_TYPE',
      eventIndex: () => 3,
      message: /MoneyTeleported/,
    },
  ],
  [
    'an amount written as a JSON number',
    {
      text: () => spoiled((d) => (d.events[5]!.data.amount = 20.5)),
      eventIndex: () => 5,
      field: 'data.amount',
      message: /decimal string/,
    },
  ],
  [
    'a gap in a stream\'s versions',
    { text: () => spoiled((d) => (d.events[1]!.version = 3)), eventIndex: () => 1, field: 'version', message: /expects version 2/ },
  ],
  [
    'a transfer whose two halves disagree on the amount',
    {
      text: () => spoiled((d) => (d.events[bobReceives()]!.data.amount = '30.49')),
      eventIndex: bobReceives,
      field: 'data.amount',
      message: /does not match the TransferSent/,
    },
  ],
];

describe('an import of a bad file', () => {
  it.each(refusals)('refuses %s, says where, and leaves the ledger byte for byte unchanged', async (_case, refusal) => {
    const target = await ledgers.open();
    await target.execute(open('zed', 'Zed', 'EUR', '5'));
    await target.execute(deposit('zed', '1.23'));
    const exportBefore = await exportLedger(target.db, AT);
    const dbBefore = await dumpDb(target.db);

    // 'replace' mode: a good file would overwrite this ledger, so only the file itself can stop it.
    const error = await importLedger(target.db, refusal.text(), { mode: 'replace' }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ImportError);
    const index = refusal.eventIndex?.();
    expect(error).toMatchObject({ code: refusal.code ?? 'IMPORT_INVALID', eventIndex: index, message: expect.stringMatching(refusal.message) });
    if (refusal.field) expect(error).toMatchObject({ field: refusal.field });
    // The place as a person counts it (this file is one JSON object, so by event), the path for a developer apart.
    if (index !== undefined) expect((error as ImportError).message.startsWith(`Event ${index + 1}: `)).toBe(true);
    if (index !== undefined) expect((error as ImportError).path).toMatch(new RegExp(`^events\\[${index}\\]`));
    expect(await exportLedger(target.db, AT)).toBe(exportBefore);
    expect(await dumpDb(target.db)).toEqual(dbBefore);
  });
});

describe('an import of a file that changes or disappears while it is read', () => {
  /** A file whose bytes the browser no longer hands over, as when it was edited, moved or deleted after it was chosen. */
  class VanishedFile extends Blob {
    override slice(): Blob {
      return this;
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return Promise.reject(new DOMException('The requested file could not be read.', 'NotReadableError'));
    }
    override text(): Promise<string> {
      return this.arrayBuffer().then(() => '');
    }
  }

  it('says so in words, and leaves the ledger as it was', async () => {
    const target = await ledgers.open();
    await target.execute(open('zed', 'Zed', 'EUR', '5'));
    const dbBefore = await dumpDb(target.db);

    // On this thread: a Worker would be handed a copy of the file, not this stand-in.
    const importing = importLedger(target.db, new VanishedFile([goodText]), { mode: 'replace', checkIn: 'thread' });

    await expect(importing).rejects.toBeInstanceOf(ImportError);
    await expect(importing).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE', message: expect.stringContaining('changed, moved or deleted while it was being imported. Nothing was imported') });
    expect(await dumpDb(target.db)).toEqual(dbBefore);
  });
});
