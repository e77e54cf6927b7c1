// An append-only JSON-lines file: recovery on open (a torn last line is cut off), durable
// appends (write + fdatasync, rolled back on failure) and positional reads. Callers serialize
// appends (see group-commit.ts); reads may run at any time.
import { randomBytes } from "node:crypto";
import { fdatasync, promises as fsp, writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MeshroomError } from "../errors/index.js";

/** Called for each whole line found on open: the parsed value, its byte position and length (with the newline). */
export type LineVisitor = (value: unknown, pos: number, len: number) => void;

const CHUNK = 1 << 20;

export class JsonlFile {
  /** Where appended lines are copied before they are written (appends are serialised by the caller). */
  private readonly scratch = Buffer.allocUnsafeSlow(CHUNK);

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

  /**
   * Appends whole lines and fsyncs; on failure cuts the file back so no half batch stays. The
   * lines are copied through one reused buffer: no batch is ever joined into one big string.
   */
  async appendDurably(lines: string | readonly string[]): Promise<number> {
    const start = this.size;
    let at = start;
    const fd = this.fh.fd;
    // written at once into the page cache (no thread-pool round trip); only the sync waits
    const writeAll = (buf: Buffer, len: number): void => {
      for (let done = 0; done < len; ) done += writeSync(fd, buf, done, len - done, at + done);
      at += len;
    };
    try {
      let used = 0;
      for (const line of typeof lines === "string" ? [lines] : lines) {
        const bytes = Buffer.byteLength(line, "utf8");
        if (used + bytes > this.scratch.length && used > 0) {
          writeAll(this.scratch, used);
          used = 0;
        }
        if (bytes > this.scratch.length) writeAll(Buffer.from(line, "utf8"), bytes);
        else used += this.scratch.write(line, used, "utf8");
      }
      if (used > 0) writeAll(this.scratch, used);
      await syncData(fd);
    } catch (e) {
      await this.fh.truncate(start).catch(() => undefined);
      throw new MeshroomError("E_STATE_WRITE", `cannot append to ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    this.size = at;
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

  /**
   * Reads the whole lines from `from` on, in order, a bounded batch at a time (at most
   * `maxLines` lines; about 1 MiB of text, more only for a single longer line).
   */
  async *batches(maxLines: number, from = 0): AsyncGenerator<{ pos: number; line: Buffer }[]> {
    const end = this.size;
    let pos = from;
    let carry = Buffer.alloc(0);
    let carryPos = from;
    let out: { pos: number; line: Buffer }[] = [];
    while (pos < end) {
      const chunk = await this.read(pos, Math.min(CHUNK, end - pos));
      if (chunk.length === 0) break;
      pos += chunk.length;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
        out.push({ pos: carryPos + start, line: data.subarray(start, nl + 1) });
        start = nl + 1;
        if (out.length >= maxLines) {
          yield out;
          out = [];
        }
      }
      carryPos += start;
      carry = Buffer.from(data.subarray(start));
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  }

  /**
   * Replaces the content with what `produce` writes, atomically and in bounded memory: a temp
   * file in the same directory, fsync, rename, directory fsync. If anything fails the file is
   * left as it was. `produce` may read this file (batches) while it writes.
   */
  async rewrite(produce: (write: (data: Buffer | string) => Promise<void>) => Promise<void>): Promise<void> {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const out = await fsp.open(tmp, "wx", 0o600);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let at = 0;
    const flush = async (): Promise<void> => {
      const buf = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      for (let done = 0; done < buf.length; ) done += (await out.write(buf, done, buf.length - done, at + done)).bytesWritten;
      at += buf.length;
    };
    try {
      try {
        await produce(async (data) => {
          const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
          pending.push(buf);
          pendingBytes += buf.length;
          if (pendingBytes >= CHUNK) await flush();
        });
        await flush();
        await out.sync();
      } finally {
        await out.close();
      }
      await fsp.rename(tmp, this.path);
    } catch (e) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw new MeshroomError("E_STATE_WRITE", `cannot rewrite ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    await syncDir(dirname(this.path));
    await this.fh.close();
    this.fh = await fsp.open(this.path, "r+");
    this.size = (await this.fh.stat()).size;
  }

  /** Replaces the whole content with `text`, atomically (a small file: the idempotency journal). */
  async replace(text: string): Promise<void> {
    await this.rewrite((write) => write(text));
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** fdatasync: the appended bytes and the file size are on disk (the mtime need not be). */
function syncData(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, "r").catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => undefined); // best effort: some filesystems cannot fsync a directory
  await fh.close();
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
