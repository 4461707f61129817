/**
 * The path of a request: node:http → route (operationId) → body read, decoded and parsed
 * as the operation expects → handler → reply, or the error in the endpoint's format.
 * Bad input is always a 4xx; only a bug in a handler is a 500, and it shows no details.
 * A client that goes away mid-request is not an error: nothing is answered or logged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App, OperationSpec, RequestContext } from "../context.ts";
import { DtpServerError, InputError } from "../errors.ts";
import { sourceOf } from "../limits.ts";
import type { Router } from "../router.ts";
import {
  ClientGone,
  decodeUtf8,
  parseForm,
  parseJsonObject,
  readBody,
  requireMediaType,
} from "./body.ts";
import { quote, type RequestView, scrubReply } from "./echo.ts";
import { type ErrorStyle, problem, renderError } from "./render-error.ts";
import { type Reply, writeReply } from "./reply.ts";

export type OperationTable = Readonly<Record<string, OperationSpec>>;

export type Pipeline = (req: IncomingMessage, res: ServerResponse) => void;

export function createPipeline(
  app: App,
  router: Router,
  operations: OperationTable,
  onError: (err: unknown) => void,
): Pipeline {
  return (req, res) => {
    let style: ErrorStyle = "problem";
    // What the request sent so far: error replies never echo its credentials or long values.
    const view: RequestView = { headers: req.headers, url: req.url ?? "/" };
    const done = (reply: Reply) => {
      if (!res.headersSent && !res.destroyed) writeReply(req, res, reply);
    };
    const refuse = (reply: Reply) => done(scrubReply(reply, view));
    const fail = (err: unknown) => {
      if (err instanceof ClientGone) return;
      if (!(err instanceof DtpServerError)) onError(err);
      refuse(renderError(err, style));
    };
    // Errors of the request stream (a reset, broken framing) end up as ClientGone.
    req.on("error", () => {});
    (async () => {
      const url = requestUrl(app.issuer, req.url ?? "/");
      if (url === undefined)
        return refuse(problem("invalid-request", 400, "request target is invalid"));
      const match = router.match(req.method ?? "GET", url.pathname);
      if (match.kind === "not_found") {
        await drain(req);
        return refuse(problem("not-found", 404, `no resource at ${quote(url.pathname)}`));
      }
      if (match.kind === "method_not_allowed") {
        await drain(req);
        return refuse(
          problem("method-not-allowed", 405, `method ${req.method} is not allowed here`, {
            Allow: match.allow.join(", "),
          }),
        );
      }
      const op = operations[match.operationId];
      if (!op) throw new Error(`no handler for ${match.operationId}`);
      style = op.style;
      const rawBody = await readBody(req);
      const ctx: RequestContext = {
        app,
        operationId: match.operationId,
        method: (req.method ?? "GET").toUpperCase(),
        url,
        source: sourceOf(req.socket.remoteAddress),
        params: match.params,
        headers: req.headers,
        rawBody,
        form: {},
        json: {},
      };
      if (op.body === "form") {
        requireMediaType(req.headers["content-type"], "application/x-www-form-urlencoded");
        ctx.form = parseForm(decodeUtf8(rawBody));
        view.form = ctx.form;
      } else if (op.body === "json") {
        requireMediaType(req.headers["content-type"], "application/json");
        ctx.json = parseJsonObject(decodeUtf8(rawBody));
        view.json = ctx.json;
      }
      done(await op.handler(ctx));
    })().catch(fail);
  };
}

/** The request URL on the issuer's origin; only the path and query come from the client. */
function requestUrl(issuer: string, target: string): URL | undefined {
  try {
    if (!target.startsWith("/")) {
      // absolute-form (RFC 9112 §3.2.2): keep path and query only.
      const abs = new URL(target);
      target = abs.pathname + abs.search;
    }
    return new URL(issuer + target);
  } catch {
    return undefined;
  }
}

/** Reads a body nobody needs; past the limit it is left to the reply (which discards it). */
async function drain(req: IncomingMessage): Promise<void> {
  try {
    await readBody(req);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
}
