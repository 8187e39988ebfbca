import type { LedgerService } from '../../app/service';
import type { LedgerCommand } from '../../domain/commands';
import { ValidationError, assertNever } from '../../domain/errors';
import { parseAmount } from '../../domain/money';
import { parseText } from '../../domain/rules';
import type { AccountRow } from '../../projections/rows';
import { CommandForm } from '../lib/command-form.svelte';
import { canonicalAmount } from '../lib/amount-input';
import { Field, validateAll } from '../lib/field.svelte';
import { formatMoney } from '../lib/format';

export type MoneyCommand = 'Deposit' | 'Withdraw' | 'Transfer';

/** Deposit, withdraw and transfer share a shape: an amount, a description, and for a transfer a target. */
export class MoneyForm {
  readonly kind: MoneyCommand;
  readonly #account: () => AccountRow;
  readonly amount: Field;
  readonly description = new Field((value) => parseText(value, 'description'));
  readonly target = new Field((value) => {
    if (this.kind === 'Transfer' && value === '') {
      throw new ValidationError('ID_INVALID', 'toAccountId', 'Choose the account that receives the money.');
    }
  });
  readonly command: CommandForm;

  constructor(service: LedgerService, kind: MoneyCommand, account: () => AccountRow) {
    this.kind = kind;
    this.#account = account;
    this.amount = new Field((value) => parseAmount(canonicalAmount(value), this.#account().currency));
    this.command = new CommandForm(service);
  }

  async submit(targetName: (accountId: string) => string): Promise<void> {
    if (!validateAll([this.amount, this.description, this.target])) {
      this.command.clearOutcome();
      return;
    }
    const { accountId, currency } = this.#account();
    const amount = canonicalAmount(this.amount.value);
    const description = this.description.value.trim();
    const text = description ? { description } : {};
    const shown = formatMoney(amount, currency);
    const [build, success] = ((): [(commandId: string) => LedgerCommand, string] => {
      switch (this.kind) {
        case 'Deposit':
          return [(commandId) => ({ type: 'Deposit', commandId, data: { accountId, amount, ...text } }), `Deposited ${shown}.`];
        case 'Withdraw':
          return [(commandId) => ({ type: 'Withdraw', commandId, data: { accountId, amount, ...text } }), `Withdrew ${shown}.`];
        case 'Transfer': {
          const toAccountId = this.target.value;
          return [
            (commandId) => ({ type: 'Transfer', commandId, data: { fromAccountId: accountId, toAccountId, amount, ...text } }),
            `Sent ${shown} to ${targetName(toAccountId)}.`,
          ];
        }
        default:
          return assertNever(this.kind, 'money command');
      }
    })();
    if (await this.command.submit(build, success)) {
      this.amount.reset();
      this.description.reset();
    }
  }
}

export class CloseForm {
  readonly #account: () => AccountRow;
  readonly reason = new Field((value) => parseText(value, 'reason'));
  readonly command: CommandForm;

  constructor(service: LedgerService, account: () => AccountRow) {
    this.#account = account;
    this.command = new CommandForm(service);
  }

  async submit(): Promise<void> {
    if (!validateAll([this.reason])) {
      this.command.clearOutcome();
      return;
    }
    const { accountId } = this.#account();
    const reason = this.reason.value.trim();
    await this.command.submit(
      (commandId) => ({ type: 'CloseAccount', commandId, data: { accountId, ...(reason ? { reason } : {}) } }),
      'The account is closed.',
    );
  }
}
