/**
 * Instances for the catalogue's multi-instance faults: N forwarding proxies in front of one
 * reference server, each marking the requests it forwards with its number
 * (`x-dtp-test-instance`). The server and its store are one; what the fault keeps "in process
 * memory" it keeps per instance number, so the target behaves like N processes on one
 * database whose replay cache (or nonce store, or redemption mark) is per process.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const INSTANCE_HEADER = "x-dtp-test-instance";

export interface InstanceProxies {
  urls: string[];
  close(): Promise<void>;
}

/** Starts `n` proxies on 127.0.0.1 forwarding to `target` (an http origin). */
export async function startInstanceProxies(target: string, n: number): Promise<InstanceProxies> {
  const upstream = new URL(target);
  const servers: Server[] = [];
  for (let i = 0; i < n; i++) {
    const server = createServer((req, res) => {
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, [INSTANCE_HEADER]: String(i) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
  }
  return {
    urls: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
