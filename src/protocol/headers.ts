/**
 * Reading request header fields the same way on both sides: a WHATWG `Headers`, node's
 * `IncomingHttpHeaders` or a plain record (any case of names).
 */

export type HeaderInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/**
 * The field value for `name` (case-insensitive), several field lines joined with ", "
 * (RFC 9110 §5.3), or `undefined` when absent.
 */
export function getHeader(headers: HeaderInput, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (typeof (headers as { get?: unknown }).get === "function" && !Object.hasOwn(headers, "get")) {
    return (headers as { get(name: string): string | null }).get(lower) ?? undefined;
  }
  const record = headers as Readonly<
    Record<string, string | readonly string[] | number | undefined>
  >;
  const values: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    if (Array.isArray(value)) values.push(...(value as readonly string[]));
    else values.push(String(value));
  }
  return values.length === 0 ? undefined : values.join(", ");
}
