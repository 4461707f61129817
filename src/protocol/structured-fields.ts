/**
 * RFC 8941 Structured Field Values: the parts HTTP Message Signatures (RFC 9421) and
 * Content-Digest (RFC 9530) need. Dictionaries, inner lists, items and parameters are
 * parsed per RFC 8941 §4.2 (strictly: any deviation is an error) and serialised per §4.1.
 */

/** An sf-token (`?1` is a boolean, `"x"` a string, `x` a token). */
export interface Token {
  readonly token: string;
}
/** An sf-decimal (kept apart from integers, which are plain numbers). */
export interface Decimal {
  readonly decimal: number;
}
export type BareItem = number | Decimal | string | Token | Uint8Array | boolean;
export type Parameters = Map<string, BareItem>;
export interface Item {
  readonly value: BareItem;
  readonly params: Parameters;
}
export interface InnerList {
  readonly items: Item[];
  readonly params: Parameters;
}
export type Dictionary = Map<string, Item | InnerList>;

export class StructuredFieldError extends Error {
  override readonly name = "StructuredFieldError";
}

export function isInnerList(member: Item | InnerList): member is InnerList {
  return "items" in member;
}
export function isToken(value: BareItem): value is Token {
  return typeof value === "object" && value !== null && "token" in value;
}
export function isByteSequence(value: BareItem): value is Uint8Array {
  return value instanceof Uint8Array;
}

const LCALPHA = /[a-z]/;
const DIGIT = /[0-9]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class Parser {
  private pos = 0;
  private readonly input: string;
  constructor(input: string) {
    this.input = input;
  }

  fail(what: string): never {
    throw new StructuredFieldError(`${what} at position ${this.pos}`);
  }
  peek(): string {
    return this.input[this.pos] ?? "";
  }
  eof(): boolean {
    return this.pos >= this.input.length;
  }
  skipSP(): void {
    while (this.peek() === " ") this.pos++;
  }
  skipOWS(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  dictionary(): Dictionary {
    const dict: Dictionary = new Map();
    this.skipSP();
    if (this.eof()) return dict;
    for (;;) {
      const key = this.key();
      if (this.peek() === "=") {
        this.pos++;
        dict.set(key, this.itemOrInnerList());
      } else {
        dict.set(key, { value: true, params: this.parameters() });
      }
      this.skipOWS();
      if (this.eof()) return dict;
      if (this.peek() !== ",") this.fail("expected ','");
      this.pos++;
      this.skipOWS();
      if (this.eof()) this.fail("trailing ','");
    }
  }

  itemOrInnerList(): Item | InnerList {
    return this.peek() === "(" ? this.innerList() : this.item();
  }

  innerList(): InnerList {
    this.pos++; // "("
    const items: Item[] = [];
    for (;;) {
      this.skipSP();
      if (this.peek() === ")") {
        this.pos++;
        return { items, params: this.parameters() };
      }
      if (this.eof()) this.fail("unterminated inner list");
      items.push(this.item());
      const c = this.peek();
      if (c !== " " && c !== ")") this.fail("expected ' ' or ')'");
    }
  }

  item(): Item {
    const value = this.bareItem();
    return { value, params: this.parameters() };
  }

  parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ";") {
      this.pos++;
      this.skipSP();
      const key = this.key();
      let value: BareItem = true;
      if (this.peek() === "=") {
        this.pos++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  key(): string {
    const first = this.peek();
    if (!(LCALPHA.test(first) || first === "*")) this.fail("expected a key");
    const start = this.pos;
    while (!this.eof() && KEY_CHAR.test(this.peek())) this.pos++;
    return this.input.slice(start, this.pos);
  }

  bareItem(): BareItem {
    const c = this.peek();
    if (c === "-" || DIGIT.test(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.byteSequence();
    if (c === "?") return this.boolean();
    if (/[A-Za-z*]/.test(c)) return this.token();
    return this.fail("expected a bare item");
  }

  number(): number | Decimal {
    let sign = 1;
    if (this.peek() === "-") {
      sign = -1;
      this.pos++;
    }
    if (!DIGIT.test(this.peek())) this.fail("expected a digit");
    let digits = "";
    let decimal = false;
    while (!this.eof()) {
      const c = this.peek();
      if (DIGIT.test(c)) digits += c;
      else if (c === "." && !decimal) {
        if (digits.length > 12) this.fail("decimal too long");
        digits += c;
        decimal = true;
      } else break;
      this.pos++;
      if (!decimal && digits.length > 15) this.fail("integer too long");
      if (decimal && digits.length > 16) this.fail("decimal too long");
    }
    if (!decimal) return sign * Number.parseInt(digits, 10);
    if (digits.endsWith(".")) this.fail("decimal without fraction");
    if (digits.length - digits.indexOf(".") - 1 > 3) this.fail("too many fractional digits");
    return { decimal: sign * Number.parseFloat(digits) };
  }

  string(): string {
    this.pos++; // '"'
    let out = "";
    while (!this.eof()) {
      const c = this.input[this.pos++]!;
      if (c === "\\") {
        const next = this.input[this.pos++];
        if (next !== '"' && next !== "\\") this.fail("bad escape in string");
        out += next;
      } else if (c === '"') {
        return out;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail("invalid character in string");
        out += c;
      }
    }
    return this.fail("unterminated string");
  }

  token(): Token {
    const start = this.pos;
    this.pos++;
    while (!this.eof() && TCHAR.test(this.peek())) this.pos++;
    return { token: this.input.slice(start, this.pos) };
  }

  byteSequence(): Uint8Array {
    this.pos++; // ":"
    const start = this.pos;
    while (!this.eof() && this.peek() !== ":") {
      if (!BASE64_CHAR.test(this.peek())) this.fail("invalid character in byte sequence");
      this.pos++;
    }
    if (this.eof()) this.fail("unterminated byte sequence");
    const b64 = this.input.slice(start, this.pos);
    this.pos++; // ":"
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.replace(/=+$/, "").length % 4 === 1)
      this.fail("invalid base64 in byte sequence");
    return new Uint8Array(Buffer.from(b64, "base64"));
  }

  boolean(): boolean {
    this.pos++; // "?"
    const c = this.peek();
    if (c !== "0" && c !== "1") this.fail("expected ?0 or ?1");
    this.pos++;
    return c === "1";
  }
}

/**
 * Parses an RFC 8941 dictionary field value (several field lines joined with ", ").
 * Throws {@link StructuredFieldError} when the value is not a valid dictionary.
 */
export function parseDictionary(value: string): Dictionary {
  const parser = new Parser(value.replace(/^ +| +$/g, ""));
  return parser.dictionary();
}

// --- Serialisation (RFC 8941 §4.1) -----------------------------------------------------

export function serializeBareItem(value: BareItem): string {
  if (typeof value === "boolean") return value ? "?1" : "?0";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || Math.abs(value) > 999_999_999_999_999)
      throw new StructuredFieldError(`not an sf-integer: ${value}`);
    return String(value);
  }
  if (typeof value === "string") {
    if (!/^[\x20-\x7e]*$/.test(value))
      throw new StructuredFieldError("string has non-printable characters");
    return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  if (value instanceof Uint8Array) return `:${Buffer.from(value).toString("base64")}:`;
  if ("token" in value) return value.token;
  const rounded = Math.round(value.decimal * 1000) / 1000;
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

export function serializeParameters(params: Parameters): string {
  let out = "";
  for (const [key, value] of params)
    out += value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  return out;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParameters(item.params);
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(" ")})${serializeParameters(list.params)}`;
}

export function serializeDictionary(dict: Dictionary): string {
  return [...dict]
    .map(([key, member]) => {
      if (!isInnerList(member) && member.value === true)
        return key + serializeParameters(member.params);
      return `${key}=${isInnerList(member) ? serializeInnerList(member) : serializeItem(member)}`;
    })
    .join(", ");
}
