import { Money } from '../../src/domain/money';

/**
 * Audits a whole log as an export writes it, trusting nothing the ledger
 * computed: every rule is checked again event by event. Used by the property
 * tests (Node) and by the stress tests on what real Chromium left on disk.
 */

export interface LogEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { eventId: string; commandId: string; at: string };
}

export interface AuditedAccount {
  currency: string;
  balance: Money;
  status: 'open' | 'closed';
}

export interface Audit {
  problems: string[];
  accounts: Map<string, AuditedAccount>;
  /** Per currency: everything deposited minus everything withdrawn. Transfers must not change it. */
  netInflow: Map<string, Money>;
  eventsByCommand: Map<string, LogEvent[]>;
}

export function eventsOfExport(text: string): LogEvent[] {
  return (JSON.parse(text) as { events: LogEvent[] }).events;
}

export function auditLog(events: readonly LogEvent[]): Audit {
  const problems: string[] = [];
  const accounts = new Map<string, AuditedAccount>();
  const netInflow = new Map<string, Money>();
  const eventsByCommand = new Map<string, LogEvent[]>();
  const versions = new Map<string, number>();
  const eventIds = new Set<string>();
  let pendingSent: LogEvent | null = null;

  events.forEach((event, index) => {
    const at = `position ${event.position} (${event.type} on ${event.streamId})`;
    if (event.position !== index + 1) problems.push(`${at}: expected position ${index + 1}`);
    const version = (versions.get(event.streamId) ?? 0) + 1;
    if (event.version !== version) problems.push(`${at}: expected version ${version}, found ${event.version}`);
    versions.set(event.streamId, event.version);
    if (eventIds.has(event.metadata.eventId)) problems.push(`${at}: duplicate event id`);
    eventIds.add(event.metadata.eventId);
    eventsByCommand.set(event.metadata.commandId, [...(eventsByCommand.get(event.metadata.commandId) ?? []), event]);

    if (pendingSent && !completes(pendingSent, event)) problems.push(`${at}: position ${pendingSent.position} is half a transfer`);
    if (event.type === 'TransferReceived' && !(pendingSent && completes(pendingSent, event))) {
      problems.push(`${at}: received money nobody sent`);
    }
    pendingSent = event.type === 'TransferSent' ? event : null;

    const account = accounts.get(event.streamId);
    if (event.type === 'AccountOpened') {
      if (account) problems.push(`${at}: opened twice`);
      accounts.set(event.streamId, { currency: String(event.data.currency), balance: new Money(0), status: 'open' });
      return;
    }
    if (!account || account.status !== 'open') {
      problems.push(`${at}: the account is ${account ? 'closed' : 'not open yet'}`);
      return;
    }
    if (event.type === 'AccountClosed') {
      if (!account.balance.isZero()) problems.push(`${at}: closed with a balance of ${account.balance.toFixed()}`);
      account.status = 'closed';
      return;
    }
    const amount = new Money(String(event.data.amount));
    if (!amount.gt(0)) problems.push(`${at}: amount ${String(event.data.amount)} is not positive`);
    const incoming = event.type === 'MoneyDeposited' || event.type === 'TransferReceived';
    account.balance = incoming ? account.balance.plus(amount) : account.balance.minus(amount);
    if (account.balance.isNegative()) problems.push(`${at}: balance went negative (${account.balance.toFixed()})`);
    if (event.type === 'MoneyDeposited' || event.type === 'MoneyWithdrawn') {
      const inflow = netInflow.get(account.currency) ?? new Money(0);
      netInflow.set(account.currency, event.type === 'MoneyDeposited' ? inflow.plus(amount) : inflow.minus(amount));
    }
  });
  if (pendingSent) problems.push(`position ${(pendingSent as LogEvent).position}: a transfer with no receiving side`);
  return { problems, accounts, netInflow, eventsByCommand };
}

function completes(sent: LogEvent, next: LogEvent): boolean {
  return (
    next.type === 'TransferReceived' &&
    next.position === sent.position + 1 &&
    next.streamId === sent.data.toAccountId &&
    next.data.fromAccountId === sent.streamId &&
    next.data.transferId === sent.data.transferId &&
    next.data.amount === sent.data.amount &&
    next.metadata.commandId === sent.metadata.commandId
  );
}

export interface BalanceRow {
  accountId: string;
  currency: string;
  balance: string;
}

/**
 * Money is conserved when the read model's balances equal the audited replay
 * and, per currency, add up to what came in minus what went out.
 */
export function conservationProblems(audit: Audit, rows: readonly BalanceRow[]): string[] {
  const problems: string[] = [];
  const sums = new Map<string, Money>();
  for (const row of rows) {
    const audited = audit.accounts.get(row.accountId);
    if (!audited || !audited.balance.eq(row.balance)) {
      problems.push(`account ${row.accountId}: read model says ${row.balance}, the log says ${audited?.balance.toFixed() ?? 'no account'}`);
    }
    sums.set(row.currency, (sums.get(row.currency) ?? new Money(0)).plus(row.balance));
  }
  if (rows.length !== audit.accounts.size) problems.push(`${rows.length} account rows for ${audit.accounts.size} accounts in the log`);
  for (const currency of new Set([...sums.keys(), ...audit.netInflow.keys()])) {
    const held = sums.get(currency) ?? new Money(0);
    const inflow = audit.netInflow.get(currency) ?? new Money(0);
    if (!held.eq(inflow)) problems.push(`${currency}: accounts hold ${held.toFixed()} but ${inflow.toFixed()} came in net`);
  }
  return problems;
}

export interface CommandOutcome {
  commandId: string;
  /** How many events the command wrote, or null when it was refused. */
  wrote: number | null;
}

/** One submission of a command id and what the ledger answered. */
export type Attempt =
  | { commandId: string; answer: 'fresh'; wrote: number }
  | { commandId: string; answer: 'duplicate' | 'refused' };

/**
 * Folds several attempts at the same command id (retries, two tabs) into what
 * the log must hold for it: at most one attempt takes effect, and "already
 * done" is only ever answered for an id that took effect.
 */
export function settleAttempts(attempts: readonly Attempt[]): { outcomes: CommandOutcome[]; problems: string[] } {
  const problems: string[] = [];
  const wrote = new Map<string, number | null>();
  for (const attempt of attempts) {
    const known = wrote.get(attempt.commandId);
    if (attempt.answer === 'fresh') {
      if (known != null) problems.push(`${attempt.commandId} took effect twice`);
      wrote.set(attempt.commandId, attempt.wrote);
    } else if (known === undefined) wrote.set(attempt.commandId, null);
  }
  for (const attempt of attempts) {
    if (attempt.answer === 'duplicate' && wrote.get(attempt.commandId) == null) {
      problems.push(`${attempt.commandId} was answered "already done" but never took effect`);
    }
  }
  return { outcomes: [...wrote].map(([commandId, w]) => ({ commandId, wrote: w })), problems };
}

/** Every command that reported done is in the log exactly once; every refused one left no trace. */
export function outcomeProblems(audit: Audit, outcomes: readonly CommandOutcome[]): string[] {
  const problems: string[] = [];
  for (const { commandId, wrote } of outcomes) {
    const found = audit.eventsByCommand.get(commandId)?.length ?? 0;
    if (wrote === null && found > 0) problems.push(`${commandId} was refused but wrote ${found} events`);
    if (wrote !== null && found !== wrote) problems.push(`${commandId} reported ${wrote} events, the log holds ${found}`);
  }
  return problems;
}
