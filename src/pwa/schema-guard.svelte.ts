import type { LedgerService, SchemaChange } from '../app/service';

/**
 * Another tab opened the database with a newer schema (or deleted it). This tab
 * closes its connection at once, so the other tab's upgrade is never blocked, and
 * stays closed: its code only knows the old schema, so the person is asked to reload.
 */
export class SchemaGuard {
  #change = $state<SchemaChange | null>(null);

  constructor(service: LedgerService) {
    service.onSchemaChange((change) => this.#changed(change));
  }

  /** What the person is told, or null while this tab's schema is current. */
  get notice(): { title: string; detail: string } | null {
    switch (this.#change) {
      case null:
        return null;
      case 'upgraded':
        return {
          title: 'Ledger was updated in another tab',
          detail: 'This tab paused so the update could finish. Reload to carry on; everything saved is kept.',
        };
      case 'deleted':
        return {
          title: 'Ledger’s data was removed in another tab',
          detail: 'This tab paused. Reload to see what is stored now.',
        };
      default: {
        const unknown: never = this.#change;
        throw new Error(`Unknown schema change ${String(unknown)}`);
      }
    }
  }

  reload(): void {
    location.reload();
  }

  #changed(change: SchemaChange): void {
    this.#change = change;
  }
}
