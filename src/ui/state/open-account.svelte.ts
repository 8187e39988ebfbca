import type { LedgerService } from '../../app/service';
import { parseAmount, parseCurrency, type Currency } from '../../domain/money';
import { parseOwnerName } from '../../domain/rules';
import { CommandForm } from '../lib/command-form.svelte';
import { canonicalAmount } from '../lib/amount-input';
import { Field, validateAll } from '../lib/field.svelte';
import { formatMoney } from '../lib/format';

export class OpenAccountForm {
  readonly #service: LedgerService;
  /** Renewed only after success, like the command id, so a retried submit names the same account. */
  #accountId: string;
  currency = $state<Currency>('EUR');
  readonly owner = new Field((value) => parseOwnerName(value));
  readonly initialDeposit = new Field((value) =>
    value.trim() === '' ? null : parseAmount(canonicalAmount(value), this.currency, 'initial deposit'),
  );
  readonly command: CommandForm;

  constructor(service: LedgerService) {
    this.#service = service;
    this.#accountId = service.newAccountId();
    this.command = new CommandForm(service);
  }

  /** Opens the account; resolves to its id, or null when the form or the ledger refused. */
  async submit(): Promise<string | null> {
    if (!validateAll([this.owner, this.initialDeposit])) {
      this.command.clearOutcome();
      return null;
    }
    const ownerName = parseOwnerName(this.owner.value);
    const currency = parseCurrency(this.currency);
    const deposit = this.initialDeposit.value.trim() === '' ? '' : canonicalAmount(this.initialDeposit.value);
    const accountId = this.#accountId;
    const done = await this.command.submit(
      (commandId) => ({
        type: 'OpenAccount',
        commandId,
        data: { accountId, ownerName, currency, ...(deposit ? { initialDeposit: deposit } : {}) },
      }),
      deposit
        ? `Opened an account for ${ownerName} with ${formatMoney(deposit, currency)}.`
        : `Opened an account for ${ownerName}.`,
    );
    if (!done) return null;
    this.#accountId = this.#service.newAccountId();
    this.owner.reset();
    this.initialDeposit.reset();
    return accountId;
  }
}
