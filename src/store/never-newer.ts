// Dexie, asked to open a database without a version, takes it as it finds it: this guard makes such an open
// refuse a database a newer release stored instead (see neverNewer).

/**
 * IndexedDB as Dexie sees it, except that an open without a version refuses a database a newer schema
 * stored. When the stored version is higher than the code's, IndexedDB refuses with VersionError and Dexie
 * opens again without a version, which would read (and patch) the newer layout. Here that second open fails
 * with VersionError too (storageFailure names it STORAGE_SCHEMA_NEWER), so an old copy of the app or its
 * import Worker never touches what a newer release stored, on any open or reopen. A database Dexie patched
 * under the same schema (native 91 for schema 9) still opens, so schema versions stay whole numbers.
 */
export function neverNewer(factory: IDBFactory, declaredSchema: () => number): IDBFactory {
  return new Proxy(factory, {
    get(target, property) {
      if (property === 'open') {
        return (name: string, version?: number) =>
          version === undefined ? (new UnlessNewer(target.open(name), declaredSchema()) as unknown as IDBOpenDBRequest) : target.open(name, version);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A versionless open request as Dexie uses one (its handlers, result, error, transaction), failing when the stored schema is newer. */
class UnlessNewer {
  onsuccess: ((event: Event) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;
  onupgradeneeded: ((event: IDBVersionChangeEvent) => unknown) | null = null;
  onblocked: ((event: Event) => unknown) | null = null;
  error: DOMException | null = null;

  constructor(
    private readonly request: IDBOpenDBRequest,
    schema: number,
  ) {
    // Without a version, an upgrade only creates a database that is not there (deleted meanwhile).
    request.onupgradeneeded = (event) => this.onupgradeneeded?.(event);
    request.onblocked = (event) => this.onblocked?.(event);
    request.onerror = (event) => {
      this.error = request.error;
      return this.onerror?.(event);
    };
    request.onsuccess = (event) => {
      const stored = request.result.version;
      if (Math.floor(stored / 10) <= schema) return this.onsuccess?.(event);
      request.result.close();
      this.error = new DOMException(`The database is stored at version ${stored}, newer than this code's ${schema * 10}.`, 'VersionError');
      const refused = { type: 'error', target: this, preventDefault() {}, stopPropagation() {} };
      return this.onerror?.(refused as unknown as Event);
    };
  }

  get result(): IDBDatabase {
    return this.request.result;
  }
  get transaction(): IDBTransaction | null {
    return this.request.transaction;
  }
  get readyState(): IDBRequestReadyState {
    return this.request.readyState;
  }
}
