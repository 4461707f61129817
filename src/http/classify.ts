/**
 * What went wrong below HTTP, in words a vendor can act on: undici's and Node's error codes
 * (timeouts, refused or reset connections, invalid framing, unknown hosts, TLS failures)
 * become one of the transport's codes and a sentence; TLS failures name the option that
 * fixes them (`--ca`, `--cert`/`--key`).
 */
import { errors } from "undici";

export function isTimeout(err: unknown): boolean {
  return (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError
  );
}

export function classifyTransportError(err: unknown): {
  code: "DTP_HTTP_CONNECTION" | "DTP_HTTP_PROTOCOL" | "DTP_HTTP_TOO_LARGE";
  message: string;
} {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? "";
  const msg = e?.message ?? String(err);
  if (err instanceof errors.HTTPParserError || code.startsWith("HPE_")) {
    return { code: "DTP_HTTP_PROTOCOL", message: `invalid HTTP from the target: ${msg}` };
  }
  if (code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH") {
    return {
      code: "DTP_HTTP_PROTOCOL",
      message: "the body length did not match Content-Length",
    };
  }
  if (code === "UND_ERR_RES_EXCEEDED_MAX_SIZE") {
    return { code: "DTP_HTTP_TOO_LARGE", message: "the response exceeded the size cap" };
  }
  if (code === "ECONNREFUSED") {
    return { code: "DTP_HTTP_CONNECTION", message: "connection refused" };
  }
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") {
    return {
      code: "DTP_HTTP_CONNECTION",
      message: "the target closed the connection before the response was complete",
    };
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return { code: "DTP_HTTP_CONNECTION", message: `host not found (${code})` };
  }
  const tls = tlsProblem(code, msg);
  if (tls) return { code: "DTP_HTTP_CONNECTION", message: tls };
  return {
    code: "DTP_HTTP_CONNECTION",
    message: `transport error${code ? ` ${code}` : ""}: ${msg}`,
  };
}

/** A TLS failure, said with what to change (the kit's own certificate settings). */
function tlsProblem(code: string, message: string): string | undefined {
  if (
    code === "SELF_SIGNED_CERT_IN_CHAIN" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" ||
    code === "UNABLE_TO_GET_ISSUER_CERT"
  ) {
    return `TLS: the target's certificate is not signed by a trusted CA (${code}): pass --ca <file> with the CA that signed it (or set NODE_EXTRA_CA_CERTS)`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `TLS: the target's certificate does not name this host (${code}): ${message}`;
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return `TLS: the target's certificate is outside its validity period (${code})`;
  }
  if (/CERTIFICATE_REQUIRED|ALERT_HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE/.test(code)) {
    return `TLS: the target refused the handshake (${code}); if it wants a client certificate, pass --cert and --key`;
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) {
    return `TLS error ${code}: ${message}`;
  }
  return undefined;
}
