// One-at-a-time gate for the expensive part of big requests (splitting and checking up to
// 10,000 events): however many big bodies arrive together, only one is being worked on, so
// the memory they take at once stays that of one request. Small requests never pass here.

export class Gate {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
