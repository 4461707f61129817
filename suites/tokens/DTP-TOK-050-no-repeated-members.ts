/**
 * DTP-TOK-050 (MUST, RFC 6749 §3.2):
 * "A response of the token endpoint (success or error) MUST NOT include a parameter (a JSON
 * member) more than once."
 *
 * `JSON.parse` keeps the last of two equal member names without a word, so the kit reads the
 * raw body of each answer (src/protocol/json-members.ts). Examined: every kind of token
 * response the target offers (device token, DPoP-bound, user token, service token, refreshed
 * token), and error answers of the token endpoint — a poll before approval
 * (`authorization_pending`), an unknown refresh token, an unknown grant type — and, when the
 * target has a login endpoint, a login without its password. A parameter is a member of the
 * top-level object; a member repeated inside a nested object is noted, not judged (RFC 6749
 * names no nested parameters). A body that is not JSON is other checks' to judge.
 */
import type { Check, CheckContext } from "../../src/check/check.ts";
import { fail, mediaType } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { type Device, loginThrough, sendAs } from "../../src/client/index.ts";
import {
  approvedDevice,
  offers,
  registeredDevice,
  tokenKinds,
} from "../../src/client/kit/index.ts";
import { repeatedMembers } from "../../src/protocol/json-members.ts";
import { randomToken } from "../../src/protocol/random.ts";

const ID = "DTP-TOK-050";

export const check: Check = {
  meta: {
    id: ID,
    requirements: [ID],
    level: "MUST",
    area: "tokens",
    title: "No token or login response repeats a member",
    specRef: "RFC 6749 §3.2",
    requires: ["device_code", "admin"],
  },
  async run(ctx) {
    for (const kind of tokenKinds(ctx)) {
      await ctx.case(kind.label, async () => {
        const x = await kind.issue();
        examine(ctx, x.res, `the ${x.label} response`);
      });
    }
    await ctx.case("a poll before approval", async () => {
      const { device, reg } = await registeredDevice(ctx, { label: "pending" });
      const res = await device.poll(reg, { label: "poll before approval" });
      examine(ctx, res, "the answer to a poll before approval");
    });
    let device: Device | undefined;
    const approved = async () => {
      device ??= (await approvedDevice(ctx, { label: "errors" })).device;
      return device;
    };
    await ctx.case("an unknown refresh token", async () => {
      const d = await approved();
      const res = await d.refresh(randomToken(), {}, { label: "refresh (unknown token)" });
      examine(ctx, res, "the answer to an unknown refresh token");
    });
    await ctx.case("an unknown grant type", async () => {
      const d = await approved();
      const form = { grant_type: "urn:example:dtp-kit:no-such-grant" };
      const res = await sendAs(ctx, d, "token_endpoint", form, "unknown grant type");
      examine(ctx, res, "the answer to an unknown grant type");
    });
    if (offers(ctx, "login", "user_credentials")) {
      await ctx.case("a login without its password", async () => {
        const { tokens } = await approvedDevice(ctx, { label: "login" });
        const username = ctx.target.config.user?.username ?? "someone";
        const res = await loginThrough(ctx, tokens, { username }, "login without password");
        examine(ctx, res, "the answer to a login without its password");
      });
    }
  },
};

/** Fails when the JSON body of `res` repeats a top-level member; notes nested repeats. */
function examine(ctx: CheckContext, res: HttpResponse, what: string): void {
  if (!/^application\/([\w.-]+\+)?json$/.test(mediaType(res)) || res.body === undefined) {
    ctx.note(`${what} is not JSON (status ${res.status}): not examined`);
    return;
  }
  const repeated = repeatedMembers(res.text);
  const top = repeated.filter((r) => r.path.length === 0).map((r) => r.name);
  const nested = repeated.filter((r) => r.path.length > 0);
  if (nested.length > 0) {
    ctx.note(
      `${what} repeats members inside nested objects (not parameters, not judged): ${nested
        .map((r) => `${r.path.join(".")}.${r.name}`)
        .join(", ")}`,
    );
  }
  if (top.length > 0) {
    fail(
      ID,
      `${what}: every member once`,
      `${[...new Set(top)].map((n) => JSON.stringify(n)).join(", ")} more than once (a JSON parser keeps one of them; which one differs between parsers)`,
      res,
    );
  }
}
