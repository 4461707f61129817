/**
 * Timing helpers for the polling checks (RFC 8628 §3.4–3.5).
 *
 * The server measures the gap between two polls of a device code by their arrival times.
 * The kit cannot see those, but it can bound them:
 *  - a poll sent after the previous poll's *response* arrived, plus the interval, reached
 *    the server at least the interval after the previous poll did (the previous request
 *    arrived before its response left): {@link pollAfter} waits that way, so a poll that
 *    "respects the interval" does so on the server's clock too;
 *  - two polls reached the server at most `recvAt(b) − sentAt(a)` apart: {@link gapAtMost}
 *    proves a poll came "sooner than the interval" before a check asserts `slow_down`.
 */

import type { CheckContext } from "../../src/check/check.ts";
import type { HttpResponse } from "../../src/check/http.ts";
import type { Device, Registration, SendOptions } from "../../src/client/index.ts";
import { type NewDeviceOptions, registeredDevice, sleepUntil } from "../../src/client/kit/index.ts";

/** Added to every computed wait, against timer and clock granularity (ms). */
export const TIMER_MARGIN_MS = 150;

export interface TimedPoll {
  res: HttpResponse;
  /** When the request was sent (ms, the check's clock). */
  sentAt: number;
  /** When the response had arrived (ms, the check's clock). */
  recvAt: number;
}

/** A device polling a device code (its own, or another client's). */
export interface Poller {
  device: Device;
  reg: Pick<Registration, "deviceCode">;
}

/** One poll with its send and receive times. */
export async function timedPoll(
  ctx: CheckContext,
  p: Poller,
  label: string,
  options: SendOptions = {},
): Promise<TimedPoll> {
  const sentAt = ctx.clock.now();
  const res = await p.device.poll(p.reg, { ...options, label });
  return { res, sentAt, recvAt: ctx.clock.now() };
}

/**
 * Polls once `gapSeconds` (plus a small margin) have passed since `prev`'s response
 * arrived, so that the server sees at least `gapSeconds` between the two polls.
 */
export async function pollAfter(
  ctx: CheckContext,
  p: Poller,
  prev: { recvAt: number },
  gapSeconds: number,
  label: string,
): Promise<TimedPoll> {
  await sleepUntil(ctx, prev.recvAt + gapSeconds * 1000 + TIMER_MARGIN_MS, "until the next poll");
  return timedPoll(ctx, p, label);
}

/** True when the server saw `b` less than `seconds` after `a` (provably, from the kit's side). */
export function gapAtMost(a: TimedPoll, b: TimedPoll, seconds: number): boolean {
  return b.recvAt - a.sentAt < seconds * 1000;
}

/** The OAuth `error` of a response, if any. */
export function errorOf(res: HttpResponse): string | undefined {
  const error = (res.body as { error?: unknown } | undefined)?.error;
  return typeof error === "string" ? error : undefined;
}

/** "400 authorization_pending", "200", "401 invalid_client": for notes and messages. */
export function answerOf(res: HttpResponse): string {
  const error = errorOf(res);
  return error === undefined ? `${res.status}` : `${res.status} ${error}`;
}

/** The seconds from now until `deadlineMs`, rounded up (for budget checks). */
export function secondsUntil(ctx: CheckContext, deadlineMs: number): number {
  return Math.max(0, Math.ceil((deadlineMs - ctx.clock.now()) / 1000));
}

/** A device's registration with when its request was sent and its answer received. */
export interface TimedRegistration {
  device: Device;
  reg: Registration;
  sentAt: number;
  recvAt: number;
}

/** Registers a device of this check and records the timing. */
export async function registerTimed(
  ctx: CheckContext,
  label = "register",
  options: NewDeviceOptions = {},
): Promise<TimedRegistration> {
  const sentAt = ctx.clock.now();
  const { device, reg } = await registeredDevice(ctx, { ...options, register: { label } });
  return { device, reg, sentAt, recvAt: ctx.clock.now() };
}

/**
 * True when the code may already have expired when `p` reached the server: the server
 * registered it no earlier than the registration request was sent, and `expires_in` may be
 * rounded down to whole seconds.
 */
export function mayHaveExpired(t: TimedRegistration, p: { recvAt: number }): boolean {
  return p.recvAt >= t.sentAt + (t.reg.expiresIn - 1) * 1000;
}

/**
 * SKIPs (never FAILs) when a poll that expected a live code got `expired_token` and the
 * code may really have expired by then: the machine was too slow for the declared
 * `dtp_lifetimes.device_code`.
 */
export function skipIfExpiredOnTheWay(ctx: CheckContext, t: TimedRegistration, p: TimedPoll): void {
  if (errorOf(p.res) === "expired_token" && mayHaveExpired(t, p)) {
    ctx.skip(
      `the device code (expires_in ${t.reg.expiresIn} s) may have expired before the poll reached the server (a slow machine or network): lengthen dtp_lifetimes.device_code`,
    );
  }
}
