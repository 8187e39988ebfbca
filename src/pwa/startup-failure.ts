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

/** What to do about a failure to open: for the browser's storage, or for a ledger a newer version of the app saved. */
export function startupHint(error: unknown): string {
  if ((error as { code?: unknown } | null)?.code === 'STORAGE_SCHEMA_NEWER') {
    return 'A newer version of Ledger has already opened this ledger, in this browser. If reloading shows this again, close every Ledger tab and window, then open Ledger once more: the browser then starts the newer version.';
  }
  return 'Ledger keeps your data in this browser’s storage (IndexedDB). Private windows or blocked site data can prevent that. Allow storage for this site and reload.';
}
