/**
 * Client authentication helpers (RFC 6749 §2.3.1): HTTP Basic with the client_id and the
 * API key, each form-urlencoded before base64, as the RFC requires.
 */
export function basicAuth(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString("base64")}`;
}

/** A fresh device id for the kit's own registrations: prefix + 16 random hex chars. */
export function newClientId(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}${Buffer.from(rand).toString("hex")}`;
}
