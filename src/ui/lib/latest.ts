/**
 * Runs one request at a time and, while it runs, remembers only the newest
 * request: dragging a slider over a long log asks for many points but only the
 * last one matters, and replays must not pile up.
 */
export class LatestOnly<A> {
  #running = false;
  #next: { arg: A } | null = null;

  readonly #work: (arg: A) => Promise<void>;

  constructor(work: (arg: A) => Promise<void>) {
    this.#work = work;
  }

  request(arg: A): void {
    this.#next = { arg };
    if (!this.#running) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#next) {
        const { arg } = this.#next;
        this.#next = null;
        await this.#work(arg);
      }
    } finally {
      this.#running = false;
    }
  }
}
