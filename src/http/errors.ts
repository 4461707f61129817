/**
 * The transport's own failure: the request did not produce a usable response (deadline,
 * reset, oversized or undecodable body, invalid URL). The HTTP layer knows nothing about
 * requirements; the runner maps a {@link TransportError} to a failure of the check that
 * made the request (src/runner/engine.ts).
 */
import { DtpKitError, type DtpKitErrorCode } from "../check/failure.ts";

export type TransportErrorCode = Extract<DtpKitErrorCode, `DTP_HTTP_${string}`>;

export class TransportError extends DtpKitError {
  declare readonly code: TransportErrorCode;
  /** What a usable answer would have been ("a complete response within 5000 ms"). */
  readonly expected: string;
  /** What happened instead, with the request line (redacted). */
  readonly actual: string;
  /** Index of the exchange in the client's transcript. */
  readonly exchange: number;
  constructor(code: TransportErrorCode, expected: string, actual: string, exchange: number) {
    super(code, `expected ${expected}; got ${actual}`);
    this.name = "TransportError";
    this.expected = expected;
    this.actual = actual;
    this.exchange = exchange;
  }
}
