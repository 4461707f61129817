/** Fetching the metadata document from inside a discovery check (so it is in the transcript). */

import type { CheckContext } from "../../src/check/check.ts";
import { expectJson, expectStatus, fail } from "../../src/check/expect.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import { wellKnownUrl } from "../../src/client/index.ts";

/** The URL the kit derived from the target's base URL (or the configured discovery URL). */
export function metadataUrl(ctx: CheckContext): string {
  return ctx.target.discoveryUrl ?? wellKnownUrl(ctx.target.baseUrl);
}

/** GET the metadata without credentials. */
export function getMetadata(ctx: CheckContext): Promise<HttpResponse> {
  return ctx.http.request({
    method: "GET",
    url: metadataUrl(ctx),
    headers: { accept: "application/json" },
    label: "metadata",
  });
}

/** GET the metadata; fails `requirement` unless it is a 200 JSON object. */
export async function fetchMetadata(
  ctx: CheckContext,
  requirement: string,
): Promise<{ res: HttpResponse; metadata: Record<string, unknown> }> {
  const res = await getMetadata(ctx);
  expectStatus(res, 200, requirement);
  return { res, metadata: expectJson(res, requirement) };
}

/** Shows a metadata value in a failure message. */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  const s = JSON.stringify(value);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Fails `requirement` unless `metadata[member]` is a JSON array of strings containing every
 * value of `required`; returns the array.
 */
export function expectListContaining(
  metadata: Record<string, unknown>,
  member: string,
  required: readonly string[],
  requirement: string,
  res: HttpResponse,
): string[] {
  const value = metadata[member];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(
      requirement,
      `"${member}": an array of strings containing ${required.join(", ")}`,
      `"${member}": ${show(value)}`,
      res,
    );
  }
  const list = value as string[];
  const missing = required.filter((v) => !list.includes(v));
  if (missing.length > 0) {
    fail(
      requirement,
      `"${member}" containing ${required.join(", ")}`,
      `"${member}": ${show(list)} (missing ${missing.join(", ")})`,
      res,
    );
  }
  return list;
}

/** The issuer as the metadata states it (the kit's base URL when absent), no trailing slash. */
export function issuerIn(ctx: CheckContext, metadata: Record<string, unknown>): string {
  return typeof metadata.issuer === "string" ? metadata.issuer : ctx.target.baseUrl;
}

/**
 * Fails `requirement` unless `metadata[member]` is the absolute URL `issuer + path`
 * (compared after URL normalisation: scheme and host case, default port).
 */
export function expectEndpointUrl(
  metadata: Record<string, unknown>,
  member: string,
  issuer: string,
  path: string,
  requirement: string,
  res: HttpResponse,
): void {
  const value = metadata[member];
  const want = `${issuer}${path}`;
  if (typeof value !== "string") {
    fail(requirement, `"${member}": ${JSON.stringify(want)}`, `"${member}": ${show(value)}`, res);
  }
  let same = false;
  try {
    same = new URL(value).href === new URL(want).href;
  } catch {
    same = false;
  }
  if (!same) {
    fail(
      requirement,
      `"${member}": ${JSON.stringify(want)} (the absolute URL of ${path} under the issuer)`,
      `"${member}": ${JSON.stringify(value)}`,
      res,
    );
  }
}
