/**
 * `GET /device` — the `verification_uri` (RFC 8628 §3.2): a page telling the user to give
 * the code to an administrator. It never approves anything by itself.
 */
import escapeHtml from "escape-html";
import type { Handler } from "../context.ts";
import { validateParams } from "../http/validate.ts";

export const getVerificationPage: Handler = (ctx) => {
  // 1. Validate the optional `user_code` query parameter.
  validateParams(ctx);
  const code = ctx.url.searchParams.get("user_code");
  // 2. Answer a static page (the code, if given, is echoed escaped).
  const codeLine = code ? `<p>Your code: <strong>${escapeHtml(code)}</strong></p>` : "";
  const text = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Device registration</title></head>
<body><h1>Device registration</h1>
${codeLine}<p>Give the code shown on your device to an administrator. The administrator approves the device; it then finishes registering by itself.</p>
</body></html>
`;
  return {
    status: 200,
    text,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'",
    },
  };
};
