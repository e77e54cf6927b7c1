// Group commit: many concurrent requests share one write+fsync. Work runs strictly one batch
// at a time, so a batch's callback may assume it is alone with the file. A batch starts in
// the event loop's check phase, not at once: every request whose data arrived in the same
// poll phase joins it (fewer, bigger fsyncs for no added wait).

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;

  /** `flush` gets every item submitted since the last batch and returns one result per item, in order. */
  constructor(private readonly flush: (batch: T[]) => Promise<R[]>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.chain = this.chain.then(nextTurn).then(() => this.runBatch());
      }
    });
  }

  /** Runs `fn` after every batch submitted so far and before any later one. */
  exclusive<X>(fn: () => Promise<X>): Promise<X> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once everything submitted so far is written (or failed). */
  drain(): Promise<void> {
    return this.exclusive(async () => undefined);
  }

  private async runBatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}

/** Resolves in this turn's check phase, after the callbacks of every I/O already polled. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
