/**
 * A failure's reproduction as a bash script of curl commands: the exchanges that show it,
 * from the first one they depend on.
 *
 * - The slice ends at the last evidence exchange and starts at the earliest exchange the
 *   evidence depends on: a value a request sends (a token, a device or user code, a nonce)
 *   that an earlier response produced pulls that exchange in, transitively; every exchange
 *   in between is kept (an approval produces nothing but is needed).
 * - Produced values become shell variables read from the saved responses (`json_get`, with
 *   Node, which the kit already needs), so the script runs against a fresh state.
 * - Config secrets (API key, admin token, password, client secrets) become environment
 *   variables the script requires; a final redaction pass guarantees that neither they nor any
 *   value the target issued is written out literally (values the kit made up, such as a
 *   random token for a negative test, are written as they are).
 * - Time-bound proofs (DPoP, HTTP message signatures, client assertions) are replayed as
 *   recorded and marked: a correct server refuses them once stale; `dtp test … --case`
 *   recreates them.
 */
import type { TargetConfig } from "../config/schema.ts";
import type { RawExchange } from "../http/client.ts";
import { Redactor } from "../http/redact.ts";

const MIN_VALUE_LENGTH = 8;
/** Headers curl sets itself, or that describe the connection rather than the request. */
const SKIPPED_HEADERS = new Set(["host", "content-length", "connection", "transfer-encoding"]);
const TIME_BOUND_HEADERS = new Set(["dpop", "signature", "signature-input"]);
const TIME_BOUND_FIELDS = /(?:^|&)(client_assertion|assertion)=/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion (extra curl options, word-split on purpose)
const CURL_OPTS = "${DTP_CURL_OPTS:-}";

export interface CurlInput {
  /** The check's exchanges as sent (secrets included). */
  exchanges: readonly RawExchange[];
  /** Indexes of the exchanges that show the failure (empty: the last one). */
  evidence: readonly number[];
  config: TargetConfig;
  /** The run's redactor: values the target issued that it holds for secrets stay out of the script. */
  secrets: Redactor;
  /** One line: what the failure is. */
  title: string;
}

interface Produced {
  value: string;
  /** Exchange that produced it. */
  index: number;
  /** JSON path in the response body, or a response header name. */
  from: { json: (string | number)[] } | { header: string };
  name: string;
}

export function curlScript(input: CurlInput): string {
  const xs = input.exchanges;
  if (xs.length === 0) return "";
  const end = Math.min(
    xs.length - 1,
    Math.max(-1, ...input.evidence) >= 0 ? Math.max(...input.evidence) : xs.length - 1,
  );

  // Values produced by responses (not sent by the kit before).
  const produced = new Map<string, Produced>();
  let sent = "";
  for (const x of xs.slice(0, end + 1)) {
    sent += `\n${requestText(x)}`;
    if (!x.response) continue;
    const add = (value: string, from: Produced["from"], key: string) => {
      if (value.length < MIN_VALUE_LENGTH || produced.has(value) || sent.includes(value)) return;
      let name = varName(x.index, key);
      const taken = new Set([...produced.values()].map((p) => p.name));
      for (let n = 2; taken.has(name); n++) name = `${varName(x.index, key)}_${n}`;
      produced.set(value, { value, index: x.index, from, name });
    };
    const json = parseJson(x.response.body);
    if (json !== undefined) {
      walk(json, [], (value, path) => add(value, { json: path }, String(path.at(-1) ?? "value")));
    }
    for (const h of ["dpop-nonce", "location"]) {
      const v = header(x.response.headers, h);
      if (v) add(v, { header: h }, h);
    }
  }
  const usedIn = (x: RawExchange) =>
    [...produced.values()].filter((p) => p.index < x.index && requestText(x).includes(p.value));

  // The slice: the evidence and, transitively, the exchanges that produced what it sends.
  let start = end;
  const todo = input.evidence.length ? [...input.evidence] : [end];
  const seen = new Set<number>();
  while (todo.length) {
    const i = todo.pop()!;
    if (seen.has(i) || !xs[i]) continue;
    seen.add(i);
    start = Math.min(start, i);
    for (const p of usedIn(xs[i]!)) todo.push(p.index);
  }
  const slice = xs.slice(start, end + 1);
  const needed = new Set<Produced>();
  for (const x of slice) for (const p of usedIn(x)) if (p.index >= start) needed.add(p);

  // The config secrets the slice sends become the script's required environment variables.
  const sliceText = slice.map(requestText).join("\n");
  const env = secretEnv(input.config).filter((e) => sliceText.includes(e.value));
  const lines: string[] = [
    "#!/usr/bin/env bash",
    `# ${oneLine(input.title)}`,
    "# Written by dtp test: the exchanges that show this failure, replayed with curl.",
    ...(env.length ? ["# Needs:", ...env.map((e) => `#   export ${e.env}=…   # ${e.what}`)] : []),
    "# Extra curl options (a CA, a client certificate, a proxy) go in DTP_CURL_OPTS.",
    "set -euo pipefail",
    ...env.map((e) => `: "\${${e.env}:?set ${e.env} (${e.what})}"`),
    'OUT="$(mktemp -d)"',
    'json_get() { node -e \'let j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const k of process.argv.slice(2))j=j?.[k];process.stdout.write(String(j??""))\' "$@"; }',
    "hdr_get() { grep -i \"^$2:\" \"$1\" | head -n1 | cut -d' ' -f2- | tr -d '\\r'; }",
    "b64() { printf '%s' \"$1\" | base64 | tr -d '\\n'; }",
    "",
  ];
  const evidence = new Set(input.evidence);
  for (const x of slice) {
    const subst = (text: string) => substitute(text, x.index, needed, env);
    const words = ["curl", "-sS", "-g", "--path-as-is", CURL_OPTS, "-X", x.request.method];
    words.push(subst(x.request.url));
    const timeBound: string[] = [];
    for (const [k, v] of Object.entries(x.request.headers)) {
      const name = k.toLowerCase();
      if (SKIPPED_HEADERS.has(name)) continue;
      if (TIME_BOUND_HEADERS.has(name)) timeBound.push(name);
      if (name === "authorization" && /^basic /i.test(v)) {
        words.push("-H", basicHeader(k, v, subst));
      } else {
        words.push("-H", subst(`${k}: ${v}`));
      }
    }
    if (x.request.body !== undefined && x.request.body !== "") {
      if (TIME_BOUND_FIELDS.test(x.request.body)) timeBound.push("client_assertion");
      words.push("--data-binary", subst(x.request.body));
    }
    words.push("-D", `"$OUT/${x.index}.headers"`, "-o", `"$OUT/${x.index}.body"`);
    words.push("-w", shellQuote(`#${x.index} ${x.label ?? ""} → %{http_code}\n`));
    const recorded = x.response ? `status ${x.response.status}` : `no response (${x.error ?? "?"})`;
    lines.push(
      `# #${x.index}${x.label ? ` ${x.label}` : ""}: ${x.request.method} ${x.request.url} — recorded: ${recorded}`,
    );
    if (timeBound.length) {
      lines.push(
        `# ${timeBound.join(", ")} recorded at ${x.startedAt}: time-bound, a correct server refuses it when replayed`,
      );
    }
    lines.push(`${words.join(" ")} || true`);
    for (const p of needed) {
      if (p.index !== x.index) continue;
      const read =
        "json" in p.from
          ? `json_get "$OUT/${x.index}.body" ${p.from.json.map((k) => shellQuote(String(k))).join(" ")}`
          : `hdr_get "$OUT/${x.index}.headers" ${p.from.header}`;
      lines.push(`${p.name}="$(${read})"`);
    }
    if (evidence.has(x.index)) lines.push(`cat "$OUT/${x.index}.body"; echo`);
    lines.push("");
  }
  // Nothing the config or the target made secret stays literal (what the kit made up does).
  const redactor = new Redactor();
  for (const e of env) redactor.add(e.value, "secret");
  for (const p of produced.values()) {
    if (input.secrets.knows(p.value)) redactor.add(p.value, "issued by the target");
  }
  return redactor.text(lines.join("\n"));
}

/** Environment variables standing for the config's secrets. */
function secretEnv(config: TargetConfig): { value: string; env: string; what: string }[] {
  const out: { value: string; env: string; what: string }[] = [];
  const add = (value: string | undefined, env: string, what: string) => {
    if (value && value.length >= 4 && !out.some((e) => e.value === value))
      out.push({ value, env, what });
  };
  add(config.apiKey, "DTP_API_KEY", "the API key");
  add(config.admin?.token, "DTP_ADMIN_TOKEN", "the admin token");
  add(config.user?.password, "DTP_USER_PASSWORD", "the password of the user");
  for (const c of config.oauth?.clients ?? []) {
    add(
      c.clientSecret,
      `DTP_CLIENT_SECRET_${c.clientId.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`,
      `the secret of client ${c.clientId.replace(/[^A-Za-z0-9._~-]/g, "_")}`,
    );
  }
  return out;
}

/**
 * A bash word for `text` (ANSI-C quoted), with produced values before `index` and secrets
 * replaced by "${VAR}" expansions.
 */
function substitute(
  text: string,
  index: number,
  produced: ReadonlySet<Produced>,
  env: readonly { value: string; env: string }[],
): string {
  const vars: { value: string; name: string }[] = [
    ...env.map((e) => ({ value: e.value, name: e.env })),
    ...[...produced].filter((p) => p.index < index).map((p) => ({ value: p.value, name: p.name })),
  ].sort((a, b) => b.value.length - a.value.length);
  const parts: string[] = [];
  let literal = "";
  for (let i = 0; i < text.length; ) {
    const v = vars.find((x) => text.startsWith(x.value, i));
    if (v) {
      if (literal) parts.push(ansiQuote(literal));
      literal = "";
      parts.push(`"\${${v.name}}"`);
      i += v.value.length;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal || parts.length === 0) parts.push(ansiQuote(literal));
  return parts.join("");
}

/** `Authorization: Basic …` rebuilt from its user and password, with variables in them. */
function basicHeader(name: string, value: string, subst: (s: string) => string): string {
  const decoded = Buffer.from(value.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  return `"${name}: Basic "$(b64 ${subst(decoded)})`;
}

function ansiQuote(s: string): string {
  let out = "$'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}'`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What a request sends: URL, headers (Basic credentials decoded too) and body. */
function requestText(x: RawExchange): string {
  const basic = Object.values(x.request.headers)
    .filter((v) => /^basic /i.test(v))
    .map((v) => Buffer.from(v.slice(6).trim(), "base64").toString("utf8"));
  return [x.request.url, ...Object.values(x.request.headers), ...basic, x.request.body ?? ""].join(
    "\n",
  );
}

function walk(
  v: unknown,
  path: (string | number)[],
  visit: (s: string, p: (string | number)[]) => void,
): void {
  if (typeof v === "string") visit(v, path);
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) walk(x, [...path, i], visit);
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) walk(x, [...path, k], visit);
  }
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function header(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function varName(index: number, key: string): string {
  return `R${index}_${key.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`.slice(0, 40);
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
