// `tail -F` for JSON-lines files written by the lab's daemons: yields each object from the
// start of the file, then follows it (polling) until the signal aborts. A file that does not
// exist yet is waited for; a file that shrinks (restarted writer) is read again from the start.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { sleep } from "./lab.js";

const POLL_MS = 200;

export async function* tailJsonLines(file: string, signal: AbortSignal): AsyncGenerator<Record<string, unknown>> {
  let offset = 0;
  let partial = "";
  while (!signal.aborted) {
    let size = -1;
    try {
      size = statSync(file).size;
    } catch {
      // not written yet
    }
    if (size >= 0 && size < offset) {
      offset = 0;
      partial = "";
    }
    if (size > offset) {
      const chunk = readRange(file, offset, size - offset);
      offset = size;
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const event = parse(line);
        if (event) yield event;
      }
      continue;
    }
    try {
      await sleep(POLL_MS, signal);
    } catch {
      return;
    }
  }
}

function readRange(file: string, start: number, length: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { line };
  } catch {
    return { line };
  }
}
