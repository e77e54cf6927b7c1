// An append-only JSON-lines file: recovery on open (a torn last line is cut off), durable
// appends (write + fsync, rolled back on failure) and positional reads. Callers serialize
// appends (see group-commit.ts); reads may run at any time.
import { promises as fsp } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "./atomic-file.js";

/** Called for each whole line found on open: the parsed value, its byte position and length (with the newline). */
export type LineVisitor = (value: unknown, pos: number, len: number) => void;

const CHUNK = 1 << 20;

export class JsonlFile {
  private constructor(
    readonly path: string,
    private fh: FileHandle,
    private size: number,
  ) {}

  /** Opens (creating if needed) and replays every line; returns how many torn bytes were cut. */
  static async open(path: string, visit: LineVisitor): Promise<{ file: JsonlFile; truncatedBytes: number }> {
    await (await fsp.open(path, "a", 0o600)).close();
    const fh = await fsp.open(path, "r+");
    try {
      const { goodSize, fileSize } = await replay(fh, path, visit);
      if (goodSize < fileSize) {
        await fh.truncate(goodSize);
        await fh.sync();
      }
      return { file: new JsonlFile(path, fh, goodSize), truncatedBytes: fileSize - goodSize };
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  get byteSize(): number {
    return this.size;
  }

  /** Appends `text` (whole lines) and fsyncs; on failure cuts the file back so no half batch stays. */
  async appendDurably(text: string): Promise<number> {
    const buf = Buffer.from(text, "utf8");
    const start = this.size;
    try {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, done, buf.length - done, start + done);
        done += bytesWritten;
      }
      await this.fh.sync();
    } catch (e) {
      await this.fh.truncate(start).catch(() => undefined);
      throw new MeshroomError("E_STATE_WRITE", `cannot append to ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    this.size = start + buf.length;
    return start;
  }

  async read(pos: number, len: number): Promise<Buffer> {
    const buf = Buffer.alloc(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await this.fh.read(buf, done, len - done, pos + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  }

  /** Replaces the whole content atomically (used to drop entries from the DLQ). */
  async replace(text: string): Promise<void> {
    await writeFileAtomic(this.path, text);
    await this.fh.close();
    this.fh = await fsp.open(this.path, "r+");
    this.size = (await this.fh.stat()).size;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function replay(fh: FileHandle, path: string, visit: LineVisitor): Promise<{ goodSize: number; fileSize: number }> {
  const fileSize = (await fh.stat()).size;
  let carry = Buffer.alloc(0);
  let carryPos = 0; // file position of carry[0]
  let pos = 0;
  let lineNo = 0;
  let badLine: { pos: number; lineNo: number; msg: string } | undefined;
  const buf = Buffer.alloc(CHUNK);
  while (pos < fileSize) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, fileSize - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    let data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      lineNo++;
      const linePos = carryPos + start;
      if (badLine) throw corrupt(path, badLine);
      let value: unknown;
      try {
        value = JSON.parse(data.toString("utf8", start, nl)) as unknown;
      } catch (e) {
        badLine = { pos: linePos, lineNo, msg: (e as Error).message };
      }
      if (!badLine) visit(value, linePos, nl + 1 - start);
      start = nl + 1;
    }
    carryPos += start;
    data = data.subarray(start);
    carry = Buffer.from(data);
  }
  // a bad whole line is tolerated only as the very last thing in the file (a torn write)
  if (badLine) return { goodSize: badLine.pos, fileSize };
  return { goodSize: carryPos, fileSize };
}

function corrupt(path: string, bad: { lineNo: number; msg: string }): MeshroomError {
  return new MeshroomError("E_STATE", `${path}:${bad.lineNo}: the line is not JSON (${bad.msg}) and is not the last one`, {
    detail: "The file was damaged by something other than a crash. Move the broken line out by hand, then start the intake again.",
  });
}
