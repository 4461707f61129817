/**
 * The webhook approval: one URL for both decisions or one per decision, with a body template
 * whose substitutions are escaped for the content type; a denial without a deny URL is
 * untested (SKIP), a refused hook is an ApprovalError naming the status.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Target } from "../../src/check/target.ts";
import { resolveConfig } from "../../src/config/load.ts";
import { createHttpClient } from "../../src/http/client.ts";
import { ApprovalError, createApprover } from "../../src/runner/approval.ts";

interface Hit {
  url: string;
  type: string | undefined;
  body: string;
}
const hits: Hit[] = [];
let base = "";
const server = createServer(async (req: IncomingMessage, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  hits.push({ url: req.url ?? "", type: req.headers["content-type"], body });
  res.statusCode = req.url?.startsWith("/refuse") ? 403 : 204;
  res.end();
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function approverFor(approval: unknown) {
  const config = resolveConfig({ approval });
  const target: Target = {
    baseUrl: base,
    metadata: {},
    features: new Set(["admin"]),
    config,
    embedded: false,
  };
  return createApprover(target, createHttpClient({ baseUrl: base, timeoutMs: 2000 }));
}

describe("webhook approval", () => {
  it("posts the default JSON body to the one URL", async () => {
    hits.length = 0;
    await approverFor({ method: "webhook", url: `${base}/hook` }).deny("ABCD-EFGH");
    expect(hits).toEqual([
      {
        url: "/hook",
        type: "application/json",
        body: '{"action":"deny","user_code":"ABCD-EFGH"}',
      },
    ]);
  });

  it("uses one URL per decision, substitutes the URL and a form body template", async () => {
    hits.length = 0;
    const approver = approverFor({
      method: "webhook",
      approveUrl: `${base}/codes/{user_code}/approve`,
      denyUrl: `${base}/codes/{user_code}/deny`,
      body: "code={user_code}&note=a+b",
      contentType: "application/x-www-form-urlencoded",
    });
    await approver.approve("AB CD&x");
    await approver.deny("WXYZ");
    expect(hits).toEqual([
      {
        url: "/codes/AB%20CD%26x/approve",
        type: "application/x-www-form-urlencoded",
        body: "code=AB%20CD%26x&note=a+b",
      },
      {
        url: "/codes/WXYZ/deny",
        type: "application/x-www-form-urlencoded",
        body: "code=WXYZ&note=a+b",
      },
    ]);
  });

  it("escapes substitutions inside a JSON body template", async () => {
    hits.length = 0;
    await approverFor({
      method: "webhook",
      approveUrl: `${base}/a`,
      body: { user_code: "{user_code}" },
    }).approve('q"\\');
    expect(JSON.parse(hits[0]?.body ?? "")).toEqual({ user_code: 'q"\\' });
  });

  it("a denial without denyUrl is untested; a refused hook is an ApprovalError", async () => {
    const approver = approverFor({ method: "webhook", approveUrl: `${base}/refuse` });
    await expect(approver.deny("WXYZ")).rejects.toThrow(/has no "denyUrl"/);
    const err = await approver.approve("WXYZ").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApprovalError);
    expect(String(err)).toMatch(/answered status 403/);
  });
});
