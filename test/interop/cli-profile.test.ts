/**
 * `dtp test --profile oauth` from the command line, against the oidc-provider peer with a
 * config file: the profile reaches the run, DTP extensions are skipped with the reason,
 * replay commands keep the profile; a bad profile is a usage error.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { type OidcPeer, startOidcPeer } from "../fixtures/oidc-provider/server.ts";

let peer: OidcPeer;
let cwd: string;
let configPath: string;

async function dtp(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    cwd,
    color: false,
  });
  return { code, out, err };
}

beforeAll(async () => {
  peer = await startOidcPeer();
  cwd = await mkdtemp(join(tmpdir(), "dtp-interop-cli-"));
  configPath = join(cwd, "peer.json");
  await writeFile(configPath, JSON.stringify(peer.config));
});

afterAll(async () => {
  await peer?.close();
});

describe("dtp test --profile oauth", () => {
  it("runs the profile's checks and skips the DTP extensions", async () => {
    const report = join(cwd, "report.json");
    const run = await dtp(
      "test",
      peer.url,
      "--profile",
      "oauth",
      "--config",
      configPath,
      "--only",
      "DTP-DISC-001,DTP-DISC-009,DTP-POLL-007,DTP-APR-004",
      "--report",
      `json=${report}`,
    );
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(report, "utf8")) as {
      options: { profile?: string };
      results: { id: string; status: string; message?: string }[];
    };
    expect(json.options.profile).toBe("oauth");
    const byId = Object.fromEntries(json.results.map((r) => [r.id, r]));
    expect(byId["DTP-DISC-001"]?.status).toBe("PASS");
    expect(byId["DTP-POLL-007"]?.status).toBe("PASS");
    for (const id of ["DTP-DISC-009", "DTP-APR-004"]) {
      expect(byId[id]?.status, id).toBe("SKIP");
      expect(byId[id]?.message, id).toMatch(/^DTP extension, not part of the OAuth profile/);
    }
  });

  it("lists the needs under the profile", async () => {
    const run = await dtp("test", "--profile", "oauth", "--list", "--only", "DTP-SVC-007");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/DTP-SVC-007 .*\[needs client_credentials, api_key\]/);
  });

  it("refuses an unknown profile (usage error)", async () => {
    const run = await dtp("test", peer.url, "--profile", "openid", "--config", configPath);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/profile/);
  });
});
