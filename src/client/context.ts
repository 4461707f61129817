/**
 * What every client operation needs: a way to send HTTP requests, a clock, and the server
 * (its base URL and RFC 8414 metadata). A device program gets one from {@link connect}; a
 * conformance check passes its `CheckContext`, which has the same shape (its HTTP client
 * records every exchange as evidence, its clock charges sleeps to `--max-wait`).
 */
import type { Clock } from "../check/check.ts";
import type { HttpRequest, HttpResponse } from "../check/http.ts";

export type { Clock, HttpRequest, HttpResponse };

/** Sends HTTP requests (the kit's recording client, or {@link fetchHttp}). */
export interface Http {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Marks a secret so that it is redacted wherever it is shown (optional). */
  addSecret?(value: string, label?: string): void;
}

/** The authorization server: where it is and what its metadata says. */
export interface Server {
  baseUrl: string;
  /** The RFC 8414 metadata document as served. */
  metadata: Record<string, unknown>;
}

/** The client's environment. A `CheckContext` is one. */
export interface DtpContext {
  http: Http;
  clock: Clock;
  target: Server;
  /** Records a remark (a conformance check shows it in its report). */
  note?(message: string): void;
  /**
   * Called when an answer proves nothing (an access token expired on the way twice); a
   * check ends as untested with the reason. Without it, the client returns the answer.
   */
  skip?(reason: string): never;
}

/** The system clock (sleeps are plain timers). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
