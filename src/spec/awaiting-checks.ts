/**
 * Observable MUST requirements added to the catalogue before their checks exist: the
 * coverage rule ("every observable MUST has a check", `src/spec/coverage.ts`) skips exactly
 * these, and reports an entry as stale once its requirement has a check (or is no longer an
 * observable MUST), so the list only ever shrinks. Each entry names the check that should
 * carry the requirement (an existing check ID, or "new check") and a broken-server fault that
 * check should catch. Emptying this list is the lead's job, one check at a time.
 */
export interface AwaitingCheck {
  /** The check that should carry the requirement: an existing check ID or "new check". */
  check: string;
  /** One line: a broken-server fault the check would catch. */
  fault: string;
}

export const AWAITING_CHECKS: Readonly<Record<string, AwaitingCheck>> = {};
