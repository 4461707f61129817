/**
 * What node:http hands over without a request object, answered in the protocol's format
 * (RFC 9457 problems) instead of a reset (issue 16, point 4):
 * - `CONNECT host:port`: 405, this server is not a proxy;
 * - a request node:http could not parse (broken chunked framing, bad header bytes, headers
 *   too large, a request that took too long): 400 / 431 / 408 when no answer to an earlier
 *   request on the connection is being written, then close.
 * These are the client's doing: nothing is logged.
 */
import type { Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { problem } from "./render-error.ts";
import { rawReply } from "./reply.ts";

/** The response of each socket's current request: once it has started, a parse error can only close the socket. */
const responses = new WeakMap<Duplex, ServerResponse>();

export function handleConnections(server: Server): void {
  server.on("request", (req, res) => void responses.set(req.socket, res));
  server.on("connect", (_req, socket: Duplex) => {
    socket.on("error", () => {});
    socket.end(
      rawReply(
        problem("method-not-allowed", 405, "CONNECT is not allowed: this server is not a proxy", {
          Allow: "GET, POST, DELETE",
        }),
      ),
    );
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    socket.on("error", () => {});
    if (!socket.writable || responses.get(socket)?.headersSent || err.code === "ECONNRESET")
      return void socket.destroy();
    const [status, detail] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "the request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "the request took too long to arrive"]
          : [400, "the request is not valid HTTP/1.1"];
    const slug =
      status === 400 ? "invalid-request" : status === 431 ? "invalid-request" : "invalid-request";
    socket.end(rawReply(problem(slug, status, detail)));
  });
}
