// The intake bench's own HTTP/1.1 client: replies read whole (sized or chunked, split anywhere
// across reads), what it cannot read refused, and a real node:http server answered in turn on
// one keep-alive connection.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { LoadConnection, parseReply } from "../../bench/http-load-client.js";

const sized = Buffer.from('HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"offsets":[]}');
const chunked = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\n6\r\n:\"é\"}\r\n0\r\nX-Trailer: 1\r\n\r\n");

describe("bench HTTP load client", () => {
  it("reads a sized and a chunked reply, and waits for the rest at every split point", () => {
    expect(parseReply(sized)).toEqual({ status: 202, body: '{"offsets":[]}', end: sized.length, close: false });
    expect(parseReply(chunked)).toEqual({ status: 200, body: '{"a":"é"}', end: chunked.length, close: false });
    for (const whole of [sized, chunked]) for (let cut = 0; cut < whole.length; cut++) expect(parseReply(whole.subarray(0, cut))).toBeUndefined();
  });

  it("refuses what it cannot read", () => {
    expect(() => parseReply(Buffer.from("HTTP/2 200\r\n\r\n"))).toThrow(/status line/);
    expect(() => parseReply(Buffer.from("HTTP/1.1 200 OK\r\n\r\n"))).toThrow(/neither Content-Length nor chunked/);
    expect(() => parseReply(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))).toThrow(/bad chunk size/);
    expect(() => parseReply(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd"))).toThrow(/not followed by CRLF/);
    expect(parseReply(Buffer.from("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))?.close).toBe(true);
  });

  it("posts in turn on one keep-alive connection to a node:http server, and reconnects after the server closed it", async () => {
    const sockets = new Set<unknown>();
    let n = 0;
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        n++;
        if (n === 3) res.setHeader("Connection", "close");
        // writeHead then end: node sends this chunked
        res.writeHead(202, { "Content-Type": "application/json" }).end(JSON.stringify({ n, auth: req.headers.authorization, got: JSON.parse(body) as unknown }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const c = new LoadConnection("127.0.0.1", (server.address() as AddressInfo).port);
    try {
      const replies = [];
      for (let i = 1; i <= 5; i++) replies.push(await c.post("/events/x", "tok", JSON.stringify({ i })));
      expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      expect(replies.map((r) => JSON.parse(r.body) as unknown)).toEqual([1, 2, 3, 4, 5].map((i) => ({ n: i, auth: "Bearer tok", got: { i } })));
      expect(sockets.size).toBe(2); // the third reply said close: one new connection for the rest
    } finally {
      c.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
