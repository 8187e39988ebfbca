import { validationMessage } from './handle-error';

/**
 * One form input. It validates with the domain's own parser on every change,
 * but only shows the message once the person has typed or tried to submit,
 * so an untouched empty form is not shouting at them.
 */
export class Field {
  #value = $state('');
  #touched = $state(false);
  readonly #check: (value: string) => unknown;

  constructor(check: (value: string) => unknown, initial = '') {
    this.#check = check;
    this.#value = initial;
  }

  get value(): string {
    return this.#value;
  }
  set value(next: string) {
    this.#value = next;
    this.#touched = true;
  }

  readonly problem = $derived(validationMessage(() => this.#check(this.#value)));
  readonly error = $derived(this.#touched ? this.problem : null);

  touch(): void {
    this.#touched = true;
  }

  reset(value = ''): void {
    this.#value = value;
    this.#touched = false;
  }
}

/** Marks every field as touched (so all messages show) and says whether they all pass. */
export function validateAll(fields: readonly Field[]): boolean {
  for (const field of fields) field.touch();
  return fields.every((field) => field.problem === null);
}
