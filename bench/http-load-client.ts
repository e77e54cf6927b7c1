// The intake bench's HTTP/1.1 client: one keep-alive TCP connection that posts one request at a
// time (no pipelining) and reads its reply, status line, headers and a body sized by
// Content-Length or sent chunked. Written on node:net rather than node:http's Agent because the
// load generator shares this 2-core machine with the servers it measures: node:http's client
// took 60–70 µs of CPU per event here, this one 25–35 µs, and every microsecond the client
// spends is taken from the server being measured (most of all from multi-process targets).
// What it does not do, it refuses loudly: a reply with neither length nor chunking, a malformed
// status line or chunk size.
import { connect, type Socket } from "node:net";

export interface LoadReply {
  status: number;
  body: string;
}

interface Pending {
  resolve(r: LoadReply): void;
  reject(e: Error): void;
}

/** How much of a reply may pile up before the connection is dropped as broken. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export class LoadConnection {
  private socket: Socket | undefined;
  private buffered: Buffer | undefined;
  private pending: Pending | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Posts `body` (JSON) to `path` with a bearer token; resolves with the reply, rejects when the connection fails. */
  post(path: string, token: string, body: string): Promise<LoadReply> {
    if (this.pending) return Promise.reject(new Error("LoadConnection: one request at a time"));
    const socket = this.socket ?? this._open();
    return new Promise<LoadReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private _open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on("data", (d: Buffer) => this._onData(socket, d));
    const fail = (e?: Error): void => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffered = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(e ?? new Error("the server closed the connection"));
    };
    socket.on("error", fail);
    socket.on("close", () => fail());
    this.socket = socket;
    return socket;
  }

  private _onData(socket: Socket, d: Buffer): void {
    const buf = this.buffered ? Buffer.concat([this.buffered, d]) : d;
    this.buffered = buf;
    if (buf.length > MAX_REPLY_BYTES) return void socket.destroy(new Error(`a reply of over ${MAX_REPLY_BYTES} bytes`));
    let reply: { status: number; body: string; end: number; close: boolean } | undefined;
    try {
      reply = parseReply(buf);
    } catch (e) {
      return void socket.destroy(e as Error);
    }
    if (!reply) return; // not all of it yet
    if (reply.end !== buf.length) return void socket.destroy(new Error("bytes after the reply to a request that was not pipelined"));
    this.buffered = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (reply.close) this.close();
    if (!p) return void socket.destroy(new Error("a reply nobody asked for"));
    p.resolve({ status: reply.status, body: reply.body });
  }
}

/** One whole reply at the start of `buf`, or undefined when more bytes are needed. Throws on what it cannot read. */
export function parseReply(buf: Buffer): { status: number; body: string; end: number; close: boolean } | undefined {
  const headEnd = buf.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headEnd);
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(head.split("\r\n", 1)[0] ?? "");
  if (!statusLine) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
  const status = Number(statusLine[1]);
  const close = /\r\nconnection:[ \t]*close\b/i.test(head);
  const length = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(head);
  const bodyStart = headEnd + 4;
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length < end ? undefined : { status, body: buf.toString("utf8", bodyStart, end), end, close };
  }
  if (!/\r\ntransfer-encoding:[ \t]*chunked[ \t]*(?:\r\n|$)/i.test(head)) throw new Error("a reply with neither Content-Length nor chunked encoding");
  const parts: Buffer[] = [];
  for (let at = bodyStart; ; ) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const sizeText = buf.toString("latin1", at, eol).split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new Error(`a bad chunk size: ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      const end = buf.indexOf("\r\n\r\n", eol); // past the trailers, if any
      return end < 0 ? undefined : { status, body: Buffer.concat(parts).toString("utf8"), end: end + 4, close };
    }
    const dataEnd = eol + 2 + size;
    if (buf.length < dataEnd + 2) return undefined;
    if (buf[dataEnd] !== 13 || buf[dataEnd + 1] !== 10) throw new Error("a chunk not followed by CRLF");
    parts.push(buf.subarray(eol + 2, dataEnd));
    at = dataEnd + 2;
  }
}
