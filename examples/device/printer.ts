/**
 * A printer on dtp-kit/client. First start: it makes a key, registers with it, shows the
 * user code and waits until an administrator approves it. Every start: it calls /me with its
 * DPoP-bound token, refreshes its tokens, and keeps its key and client_id in a state file.
 * After a restart it re-registers with an HTTP Message Signature by that key: approved at
 * once, no administrator needed.
 *
 *   DTP_URL=http://127.0.0.1:8080 DTP_API_KEY=… node examples/device/printer.ts [state.json]
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import {
  clientSecretBasic,
  connect,
  Device,
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  reRegister,
} from "dtp-kit/client";

const stateFile = process.argv[2] ?? "printer-state.json";
const dtp = await connect(process.env.DTP_URL ?? "http://127.0.0.1:8080");

// Who the printer is: its client_id and key, kept across restarts.
const known = existsSync(stateFile);
const state: { clientId: string; keyPem: string } = known
  ? JSON.parse(readFileSync(stateFile, "utf8"))
  : {
      clientId: `printer-${randomUUID()}`,
      keyPem: exportDeviceKey(await generateDeviceKey("ed25519")),
    };
writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });

const printer = new Device(dtp, {
  clientId: state.clientId,
  auth: clientSecretBasic(state.clientId, process.env.DTP_API_KEY ?? ""),
  key: importDeviceKey(state.keyPem),
  clientType: "printer",
});

let registration: Awaited<ReturnType<Device["register"]>>;
if (known) {
  // A restart: a signed re-registration is approved at once.
  registration = await reRegister(printer);
  console.log("re-registered with a signature");
} else {
  registration = await printer.register({ description: "Printer on the 3rd floor" });
  console.log(`user code ${registration.userCode}: approve it at ${registration.verificationUri}`);
}
const tokens = await printer.waitForTokens(registration); // polls at the server's interval
console.log(`approved: ${tokens.tokens.tokenType} token for ${tokens.clientId}`);

const me = await tokens.me();
console.log(`/me: ${me.status} ${me.text}`);

await tokens.renew(); // a refresh: a new access token and a new refresh token
console.log(`refreshed: the new access token lives ${tokens.tokens.expiresIn} s`);
