import { useRegisterSW } from 'virtual:pwa-register/svelte';

const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The app's own files, as the service worker keeps them: whether they are cached
 * for offline use, whether a newer version waits, and whether the network is there.
 * A new version never replaces the running one by itself: the person applies it
 * when it suits them, so nothing changes under a half-filled form.
 */
export class AppShell {
  /** Which build is running; a new deploy has a different one. */
  readonly build: string = __LEDGER_BUILD__;
  #offlineReady = $state(false);
  #updateWaiting = $state(false);
  #reloading = $state(false);
  #online = $state(navigator.onLine);
  /** Another tab applied the update: this page runs old code under the new worker. */
  #takenOver = false;
  readonly #applyWaiting: () => Promise<void>;

  constructor() {
    const { updateServiceWorker } = useRegisterSW({
      onOfflineReady: () => this.#cached(),
      onNeedRefresh: () => this.#waiting(),
      // The plugin only reports a takeover when this page started under a worker; a first visit
      // that later gets an update would never reload. The shell watches the controller itself instead.
      onNeedReload: () => undefined,
      onRegisteredSW: (_url, registration) => this.#registered(registration),
      // The app still works online without a worker; only offline start-up is lost, so it is not an error screen.
      onRegisterError: (error: unknown) => console.warn('Ledger could not install its offline copy.', error),
    });
    this.#applyWaiting = updateServiceWorker;
    this.#watchController();
    window.addEventListener('online', () => this.#connectivity());
    window.addEventListener('offline', () => this.#connectivity());
  }

  get offlineReady(): boolean {
    return this.#offlineReady;
  }
  get updateWaiting(): boolean {
    return this.#updateWaiting;
  }
  get reloading(): boolean {
    return this.#reloading;
  }
  get online(): boolean {
    return this.#online;
  }

  /** Switches to the waiting version; the page reloads once the new worker controls it. */
  async applyUpdate(): Promise<void> {
    if (this.#reloading) return;
    this.#reloading = true;
    // Nothing waits any more when another tab already applied it: this page only needs the new files.
    if (this.#takenOver) location.reload();
    else await this.#applyWaiting();
  }

  /** Hides the prompt for now; the new version still starts on the next visit, once every tab is closed. */
  postponeUpdate(): void {
    this.#updateWaiting = false;
  }

  #cached(): void {
    this.#offlineReady = true;
  }

  #waiting(): void {
    this.#updateWaiting = true;
  }

  #tookOver(): void {
    if (this.#reloading) {
      location.reload();
      return;
    }
    this.#takenOver = true;
    this.#updateWaiting = true;
  }

  /** A new worker replacing the one in charge means new files: reload if asked to, else offer it. */
  #watchController(): void {
    if (!('serviceWorker' in navigator)) return;
    let previous = navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // The first worker claiming a fresh page brings the very files it runs: not an update.
      const replaced = previous !== null;
      previous = navigator.serviceWorker.controller;
      if (replaced) this.#tookOver();
    });
  }

  #connectivity(): void {
    this.#online = navigator.onLine;
  }

  #registered(registration: ServiceWorkerRegistration | undefined): void {
    if (!registration) return;
    // On later visits the worker is already active and no "installed" event comes: active means cached.
    if (registration.active) this.#cached();
    // A tab left open for days should still hear about a new deploy.
    setInterval(() => {
      // A failed check (offline, server down) changes nothing; the next one tries again.
      if (navigator.onLine) registration.update().catch(() => undefined);
    }, UPDATE_CHECK_INTERVAL_MS);
  }
}
