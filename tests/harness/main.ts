import { LedgerService } from '../../src/app/service';
import type { LedgerCommand } from '../../src/domain/commands';
import { ImportError, LedgerError } from '../../src/domain/errors';
import { PROJECTION_VERSION } from '../../src/projections/projector';
import { largeValidLog } from '../store/hostile-fixtures';
import { ACK, PHASE, type BurstOptions, type Harness, type ImportOutcome, type Outcome } from './api';

/**
 * Test-only page: opens the real ledger service on this origin's IndexedDB
 * (database named by ?db=) and exposes it on window.harness, so browser tests
 * can drive several tabs at full speed without clicking through the UI.
 */

const status = document.getElementById('status')!;

async function execute(service: LedgerService, command: LedgerCommand): Promise<Outcome> {
  try {
    const result = await service.execute(command);
    return { commandId: command.commandId, status: 'done', duplicate: result.duplicate, wrote: result.duplicate ? 0 : result.events.length };
  } catch (error) {
    if (error instanceof LedgerError) return { commandId: command.commandId, status: 'refused', code: error.code, message: error.message };
    return { commandId: command.commandId, status: 'crashed', message: String(error) };
  }
}

async function burst(service: LedgerService, commands: LedgerCommand[], options: BurstOptions = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const outcome = await execute(service, commands[next++]!);
      if (options.report) console.info(ACK + JSON.stringify(outcome));
      outcomes.push(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 1 }, worker));
  return outcomes;
}

async function importText(service: LedgerService, text: string): Promise<ImportOutcome> {
  try {
    const result = await service.importJson(text, {
      mode: 'replace',
      onProgress: ({ phase, done }) => console.info(`${PHASE}${phase} ${done}`),
    });
    return { status: 'done', events: result.events };
  } catch (error) {
    if (error instanceof ImportError) {
      return { status: 'refused', code: error.code, message: error.message, ...(error.eventIndex === undefined ? {} : { eventIndex: error.eventIndex }) };
    }
    return { status: error instanceof LedgerError ? 'refused' : 'crashed', message: String(error) };
  }
}

/** Only the text outlives this call, so a 200 MB import does not also hold the builder's objects. */
function generatedLog(bytes: number, badLast: boolean): string {
  const fixture = largeValidLog(bytes);
  if (badLast) fixture.withdraw('acc-a', '99999999.00');
  return fixture.text();
}

function harnessFor(service: LedgerService): Harness {
  const { db } = service.ledger;
  return {
    execute: (command) => execute(service, command),
    burst: (commands, options) => burst(service, commands, options),
    exportJson: () => service.exportJson(),
    importJson: (text) => importText(service, text),
    importGenerated: (bytes, badLast) => importText(service, generatedLog(bytes, badLast)),
    verify: () => service.verifyProjections(),
    rebuild: async () => (await service.rebuildProjections()).events,
    balances: async () => (await db.accounts.toArray()).map(({ accountId, currency, balance }) => ({ accountId, currency, balance })),
    ageReadModels: () =>
      db.transaction('rw', db.accounts, db.meta, async () => {
        // The log's head says which projection code built the read models: an older one's.
        await db.meta.toCollection().modify((meta) => void (meta.projections = { position: meta.position, version: PROJECTION_VERSION - 1, segmentsThrough: meta.projections?.segmentsThrough ?? 0 }));
        await db.accounts.toCollection().modify({ balance: '999999.99' });
      }),
  };
}

const name = new URLSearchParams(location.search).get('db') ?? 'harness';
LedgerService.open(name).then(
  (service) => {
    window.harness = harnessFor(service);
    status.textContent = `ready: ${name}`;
  },
  (error: unknown) => {
    window.harnessError = String(error);
    status.textContent = `failed: ${window.harnessError}`;
  },
);
