import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** Reads stdin line by line, lazily, shared by every `-s` flag of one command. */
export class StdinLines {
  private iterator: AsyncIterator<string> | undefined;
  constructor(private readonly input: Readable) {}

  async next(): Promise<string | undefined> {
    this.iterator ??= createInterface({ input: this.input, crlfDelay: Infinity })[Symbol.asyncIterator]();
    const r = await this.iterator.next();
    return r.done ? undefined : r.value;
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
  }
}
