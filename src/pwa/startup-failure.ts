/**
 * Words for a ledger that could not open because of the browser's storage, or
 * null when the failure is something else. These mostly mean the browser offers no
 * usable IndexedDB (some private windows, site data blocked by a setting or a
 * policy); Dexie's own messages for them point at developer documentation.
 */
export function storageUnavailableMessage(error: unknown): string | null {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'MissingAPIError':
    case 'SecurityError':
    case 'InvalidStateError':
      return 'This browser does not let Ledger store data here: IndexedDB is unavailable or blocked.';
    case 'QuotaExceededError':
      return 'This browser has no storage space left for Ledger.';
    default:
      return null;
  }
}
