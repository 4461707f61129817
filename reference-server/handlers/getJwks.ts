/** `GET /jwks` — the public keys that sign access tokens (RFC 7517 §5, RFC 9068 §2.1). */
import type { Handler } from "../context.ts";
import { json } from "../http/reply.ts";

export const getJwks: Handler = ({ app }) => json(200, app.signer.jwks());
