import fc from 'fast-check';
import type { LedgerCommand } from '../../../src/domain/commands';

/**
 * A reference model of the bank written independently of src/domain: money is
 * a bigint count of minor units, rules are plain ifs. The property tests run
 * random command sequences through the real ledger and through this model and
 * demand the same verdicts and balances.
 */

const DIGITS = { EUR: 2, USD: 2, JPY: 0, KWD: 3 } as const;
export type Currency = keyof typeof DIGITS;
const CURRENCY_NAMES = Object.keys(DIGITS) as Currency[];

export type Op =
  | { kind: 'open'; account: string; currency: string; ownerName: string; initialDeposit?: string }
  | { kind: 'deposit'; account: string; amount: string }
  | { kind: 'withdraw'; account: string; amount: string }
  | { kind: 'transfer'; from: string; to: string; amount: string }
  | { kind: 'close'; account: string }
  /** Submits an earlier command again with the same command id, as a retry after a lost answer would. */
  | { kind: 'retry'; earlier: number };

// Weighted towards the two EUR accounts of the prelude, so most commands have a chance to succeed.
const account = fc.constantFrom('a', 'a', 'b', 'b', 'c', 'd');
const transferPair = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(['a', 'b'], ['b', 'a']) },
  { weight: 2, arbitrary: fc.tuple(account, account) },
);

const fraction = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 5, arbitrary: fc.stringMatching(/^\d{2}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{1,3}$/) },
);

/** Mostly well-formed amounts (some too precise for their currency, some zero), and some that are not amounts at all. */
export const amountText: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.bigInt(0n, 300n), fraction).map(([whole, f]) => (f ? `${whole}.${f}` : `${whole}`)) },
  { weight: 1, arbitrary: fc.constantFrom('-5.00', 'abc', '', '1e3', ' 5', '5.', '.5', '0x10', '1234567890123456') },
);

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('open' as const),
        account,
        currency: fc.constantFrom<string>('EUR', 'EUR', 'EUR', 'USD', 'JPY', 'KWD', 'XXX'),
        ownerName: fc.constantFrom('Ada', 'Bob <b>', '  Cy  ', 'Dee', ''),
        initialDeposit: amountText,
      },
      { requiredKeys: ['kind', 'account', 'currency', 'ownerName'] },
    ),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deposit' as const), account, amount: amountText }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), account, amount: amountText }) },
  {
    weight: 4,
    arbitrary: fc.tuple(transferPair, amountText).map(([[from, to], amount]): Op => ({ kind: 'transfer', from: from!, to: to!, amount })),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), account: fc.constantFrom('d', 'd', 'a', 'b', 'c') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), earlier: fc.nat() }) },
);

/** Every history starts with money in a few accounts, so the random part mostly has something to move. */
const PRELUDE: Op[] = [
  { kind: 'open', account: 'a', currency: 'EUR', ownerName: 'Ada', initialDeposit: '250.00' },
  { kind: 'open', account: 'b', currency: 'EUR', ownerName: 'Bob', initialDeposit: '40' },
  { kind: 'open', account: 'c', currency: 'JPY', ownerName: 'Chie', initialDeposit: '5000' },
  { kind: 'open', account: 'd', currency: 'EUR', ownerName: 'Dee' },
];

export const opsArbitrary = (maxLength: number): fc.Arbitrary<Op[]> =>
  fc.array(opArbitrary, { minLength: 1, maxLength, size: 'max' }).map((ops) => [...PRELUDE, ...ops]);

/** Turns generated ops into commands with unique ids; a retry reuses the command it repeats. */
export function toCommands(ops: Op[]): LedgerCommand[] {
  const commands: LedgerCommand[] = [];
  ops.forEach((op, i) => {
    const commandId = `cmd-${i}`;
    switch (op.kind) {
      case 'open': {
        const data = { accountId: op.account, ownerName: op.ownerName, currency: op.currency };
        commands.push({ type: 'OpenAccount', commandId, data: op.initialDeposit === undefined ? data : { ...data, initialDeposit: op.initialDeposit } });
        return;
      }
      case 'deposit':
        commands.push({ type: 'Deposit', commandId, data: { accountId: op.account, amount: op.amount } });
        return;
      case 'withdraw':
        commands.push({ type: 'Withdraw', commandId, data: { accountId: op.account, amount: op.amount } });
        return;
      case 'transfer':
        commands.push({ type: 'Transfer', commandId, data: { fromAccountId: op.from, toAccountId: op.to, amount: op.amount } });
        return;
      case 'close':
        commands.push({ type: 'CloseAccount', commandId, data: { accountId: op.account, reason: 'done' } });
        return;
      case 'retry':
        commands.push(commands.length === 0 ? { type: 'CloseAccount', commandId, data: { accountId: 'a' } } : commands[op.earlier % commands.length]!);
        return;
    }
  });
  return commands;
}

interface ModelAccount {
  currency: Currency;
  minor: bigint;
  open: boolean;
}

/** What the model expects one event to be: its stream, type and amount in canonical text. */
export interface ExpectedEvent {
  streamId: string;
  type: string;
  amount?: string;
}

export type Verdict = { done: true; events: ExpectedEvent[] } | { done: false };

export class BankModel {
  readonly accounts = new Map<string, ModelAccount>();
  private readonly results = new Map<string, ExpectedEvent[]>();

  /** Minor units of a well-formed, positive amount in `currency`, or null when the ledger must refuse it. */
  static minorUnits(text: string, currency: Currency): bigint | null {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) return null;
    const [, whole = '', fraction = ''] = match;
    if (fraction.length > DIGITS[currency] || whole.replace(/^0+/, '').length > 15) return null;
    const minor = BigInt(whole + fraction.padEnd(DIGITS[currency], '0'));
    return minor > 0n ? minor : null;
  }

  static text(minor: bigint, currency: Currency): string {
    const digits = DIGITS[currency];
    if (digits === 0) return minor.toString();
    const padded = minor.toString().padStart(digits + 1, '0');
    return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  }

  balanceText(id: string): string | undefined {
    const a = this.accounts.get(id);
    return a && BankModel.text(a.minor, a.currency);
  }

  apply(command: LedgerCommand): Verdict {
    const earlier = this.results.get(command.commandId);
    if (earlier) return { done: true, events: earlier };
    const events = this.decide(command);
    if (events) this.results.set(command.commandId, events);
    return events ? { done: true, events } : { done: false };
  }

  private decide(command: LedgerCommand): ExpectedEvent[] | null {
    const moved = (streamId: string, type: string, minor: bigint, currency: Currency): ExpectedEvent => ({
      streamId,
      type,
      amount: BankModel.text(minor, currency),
    });
    switch (command.type) {
      case 'OpenAccount': {
        const { accountId, ownerName, currency, initialDeposit } = command.data;
        if (this.accounts.has(accountId) || ownerName.trim() === '' || !isCurrency(currency)) return null;
        const initial = initialDeposit === undefined || initialDeposit === '' ? 0n : BankModel.minorUnits(initialDeposit, currency);
        if (initial === null) return null;
        this.accounts.set(accountId, { currency, minor: initial, open: true });
        const opened = { streamId: accountId, type: 'AccountOpened' };
        return initial > 0n ? [opened, moved(accountId, 'MoneyDeposited', initial, currency)] : [opened];
      }
      case 'Deposit':
      case 'Withdraw': {
        const target = this.accounts.get(command.data.accountId);
        const minor = target?.open ? BankModel.minorUnits(command.data.amount, target.currency) : null;
        if (!target || minor === null) return null;
        if (command.type === 'Withdraw' && minor > target.minor) return null;
        target.minor += command.type === 'Deposit' ? minor : -minor;
        return [moved(command.data.accountId, command.type === 'Deposit' ? 'MoneyDeposited' : 'MoneyWithdrawn', minor, target.currency)];
      }
      case 'Transfer': {
        const { fromAccountId, toAccountId } = command.data;
        const from = this.accounts.get(fromAccountId);
        const to = this.accounts.get(toAccountId);
        if (!from?.open || !to?.open || fromAccountId === toAccountId || from.currency !== to.currency) return null;
        const minor = BankModel.minorUnits(command.data.amount, from.currency);
        if (minor === null || minor > from.minor) return null;
        from.minor -= minor;
        to.minor += minor;
        return [moved(fromAccountId, 'TransferSent', minor, from.currency), moved(toAccountId, 'TransferReceived', minor, to.currency)];
      }
      case 'CloseAccount': {
        const target = this.accounts.get(command.data.accountId);
        if (!target?.open || target.minor !== 0n) return null;
        target.open = false;
        return [{ streamId: command.data.accountId, type: 'AccountClosed' }];
      }
    }
  }
}

function isCurrency(value: string): value is Currency {
  return (CURRENCY_NAMES as string[]).includes(value);
}
