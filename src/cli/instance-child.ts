/**
 * One instance of `dtp serve --instances` (`instances.ts` forks this file): starts the
 * reference server with the options in `DTP_INSTANCE_OPTIONS`, reports its URL over IPC,
 * and stops on SIGTERM / SIGINT or when the parent goes away.
 */
import { startServer } from "./embedded.ts";
import type { InstanceInput, InstanceReady } from "./instances.ts";

const input = JSON.parse(process.env.DTP_INSTANCE_OPTIONS ?? "{}") as InstanceInput;
try {
  const server = await startServer(input.options, input.short);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("disconnect", stop);
  const ready: InstanceReady = {
    type: "ready",
    url: server.url,
    issuer: server.issuer,
    users: server.users,
  };
  process.send?.(ready);
} catch (e) {
  process.send?.({ type: "error", message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
