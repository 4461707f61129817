/**
 * RFC 9110 §11.6.1 / RFC 7235 `WWW-Authenticate` parsing. A header value is a list of
 * challenges, each `auth-scheme [ token68 / #auth-param ]`; commas separate both challenges
 * and parameters, so a comma is followed either by `name=` (a parameter of the current
 * challenge) or by a new scheme.
 *
 * @example
 * parseChallenges('DPoP algs="ES256 EdDSA", Bearer realm="dtp", error="invalid_token"')
 * // → [{ scheme: "DPoP", params: { algs: "ES256 EdDSA" } },
 * //    { scheme: "Bearer", params: { realm: "dtp", error: "invalid_token" } }]
 */
export interface Challenge {
  /** As sent (compare case-insensitively). */
  scheme: string;
  /** Parameter names lower-cased; quoted values unescaped. */
  params: Record<string, string>;
  token68?: string;
}

/**
 * A challenge as sent: its auth-params in order, repeats kept (RFC 9110 §11.2 forbids a
 * repeated name, RFC 6750 §3 a repeated Bearer attribute; {@link parseChallengeList} lets a
 * check see them). Names lower-cased, quoted values unescaped.
 */
export interface RawChallenge {
  scheme: string;
  params: [name: string, value: string][];
  token68?: string;
}

export class ChallengeParseError extends Error {
  override name = "ChallengeParseError";
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

export function parseChallenges(header: string): Challenge[] {
  return parseChallengeList(header).map((raw) => {
    const c: Challenge = { scheme: raw.scheme, params: {} };
    if (raw.token68 !== undefined) c.token68 = raw.token68;
    for (const [name, value] of raw.params) {
      if (Object.hasOwn(c.params, name)) {
        throw new ChallengeParseError(
          `parameter "${name}" repeated in the "${c.scheme}" challenge`,
        );
      }
      c.params[name] = value;
    }
    return c;
  });
}

/** The challenges of `header` (the grammar above), each parameter kept as sent. */
export function parseChallengeList(header: string): RawChallenge[] {
  const s = header;
  let i = 0;
  const out: RawChallenge[] = [];

  const skipOws = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  const skipListSeparators = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === ",")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  const readQuoted = (): string => {
    // s[i] === '"'
    i++;
    let value = "";
    while (i < s.length) {
      const c = s[i]!;
      if (c === "\\") {
        if (i + 1 >= s.length) throw new ChallengeParseError("unterminated quoted-string");
        value += s[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        return value;
      }
      value += c;
      i++;
    }
    throw new ChallengeParseError("unterminated quoted-string");
  };
  /** Tries `token BWS = BWS (token / quoted-string)`; restores `i` on failure. */
  const tryParam = (): [string, string] | undefined => {
    const start = i;
    const name = readToken();
    if (!name) return undefined;
    skipOws();
    if (s[i] !== "=") {
      i = start;
      return undefined;
    }
    i++;
    skipOws();
    let value: string;
    if (s[i] === '"') value = readQuoted();
    else {
      value = readToken();
      if (!value) {
        i = start;
        return undefined;
      }
    }
    const after = i;
    skipOws();
    if (i < s.length && s[i] !== ",") {
      i = start;
      return undefined;
    }
    i = after;
    return [name.toLowerCase(), value];
  };
  /** After a comma: `name =` continues the challenge; anything else starts a new one. */
  const paramAhead = (): boolean => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=/.test(s.slice(i));

  skipListSeparators();
  while (i < s.length) {
    const scheme = readToken();
    if (!scheme) throw new ChallengeParseError(`expected an auth-scheme at offset ${i}`);
    const challenge: RawChallenge = { scheme, params: [] };
    out.push(challenge);
    const beforeSp = i;
    skipOws();
    if (i >= s.length) break;
    if (s[i] === ",") {
      skipListSeparators();
      continue;
    }
    if (i === beforeSp) throw new ChallengeParseError(`expected a space after "${scheme}"`);
    const first = tryParam();
    if (!first) {
      const m = TOKEN68.exec(s.slice(i));
      if (!m) throw new ChallengeParseError(`invalid parameters after "${scheme}"`);
      challenge.token68 = m[0];
      i += m[0].length;
      skipOws();
      if (i < s.length && s[i] !== ",")
        throw new ChallengeParseError(`unexpected text after token68 of "${scheme}"`);
      skipListSeparators();
      continue;
    }
    challenge.params.push(first);
    for (;;) {
      skipOws();
      if (i >= s.length) break;
      if (s[i] !== ",") throw new ChallengeParseError(`expected "," at offset ${i}`);
      skipListSeparators();
      if (i >= s.length || !paramAhead()) break;
      const p = tryParam();
      if (!p) throw new ChallengeParseError(`invalid auth-param at offset ${i}`);
      challenge.params.push(p);
    }
  }
  return out;
}
