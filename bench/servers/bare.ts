/**
 * The runtime ceiling: a bare node:http server that reads the request body (if any) and
 * answers a fixed JSON body the size of a `GET /me` answer. No routing, no parsing, no
 * crypto, no store: what this Node on this machine can do per request at best.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveChild } from "../lib/protocol.ts";

const BODY = JSON.stringify({
  sub: "bench-device-000000",
  client_id: "bench-device-000000",
  token_kind: "device",
  scope: ["me", "login"],
});
const HEADERS = {
  "Content-Type": "application/json",
  "Content-Length": String(Buffer.byteLength(BODY)),
  "Cache-Control": "no-store",
};

serveChild(async () => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      Buffer.concat(chunks); // the body is read whole, as the reference server reads it
      res.writeHead(200, HEADERS);
      res.end(BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sets: {},
    info: { rssStartMiB: process.memoryUsage.rss() / 2 ** 20 },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
});
