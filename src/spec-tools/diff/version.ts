/**
 * Whether the head version's `info.version` was bumped as semver asks for the changes
 * found: a breaking change needs a major bump (a minor one below 1.0.0, where semver lets
 * anything change); compatible changes need none to pass (release them as a minor or
 * patch); a version must never go down.
 */

export type Bump = "major" | "minor" | "patch" | "none" | "downgrade" | "invalid";
export type Needed = "major" | "minor" | "minor-or-patch" | "none";

export interface VersionVerdict {
  base: string;
  head: string;
  bump: Bump;
  needed: Needed;
  ok: boolean;
  message: string;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Parsed {
  major: number;
  minor: number;
  patch: number;
  pre?: string;
}

export function parseSemver(version: string): Parsed | undefined {
  const m = SEMVER.exec(version);
  if (!m) return undefined;
  const parsed: Parsed = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  if (m[4] !== undefined) parsed.pre = m[4];
  return parsed;
}

/** What kind of bump `head` is over `base`. */
export function bumpOf(base: string, head: string): Bump {
  const b = parseSemver(base);
  const h = parseSemver(head);
  if (!b || !h) return "invalid";
  if (h.major !== b.major) return h.major > b.major ? "major" : "downgrade";
  if (h.minor !== b.minor) return h.minor > b.minor ? "minor" : "downgrade";
  if (h.patch !== b.patch) return h.patch > b.patch ? "patch" : "downgrade";
  if (h.pre === b.pre) return "none";
  // 1.0.0-rc.1 → 1.0.0 is a release of the same version; 1.0.0 → 1.0.0-rc.1 goes down.
  if (b.pre !== undefined && h.pre === undefined) return "patch";
  if (b.pre === undefined) return "downgrade";
  return (h.pre ?? "") > (b.pre ?? "") ? "patch" : "downgrade";
}

function next(base: string, needed: "major" | "minor"): string {
  const b = parseSemver(base);
  if (!b) return "a higher version";
  return needed === "major" ? `${b.major + 1}.0.0` : `${b.major}.${b.minor + 1}.0`;
}

/**
 * The verdict for a diff with `breaking` and `compatible` changes.
 *
 * @example
 * ```ts
 * versionVerdict("1.0.0", "1.1.0", { breaking: 1, compatible: 0 }).ok; // false: needs 2.0.0
 * ```
 */
export function versionVerdict(
  base: string,
  head: string,
  counts: { breaking: number; compatible: number },
): VersionVerdict {
  const bump = bumpOf(base, head);
  const b = parseSemver(base);
  const needed: Needed =
    counts.breaking > 0
      ? b !== undefined && b.major === 0
        ? "minor"
        : "major"
      : counts.compatible > 0
        ? "minor-or-patch"
        : "none";
  const verdict = (ok: boolean, message: string): VersionVerdict => ({
    base,
    head,
    bump,
    needed,
    ok,
    message,
  });
  if (bump === "invalid") {
    const bad = parseSemver(base) ? head : base;
    return verdict(false, `info.version "${bad}" is not a semantic version (MAJOR.MINOR.PATCH)`);
  }
  if (bump === "downgrade") return verdict(false, `the version went down: ${base} → ${head}`);
  if (needed === "major" || needed === "minor") {
    const enough = bump === "major" || (needed === "minor" && bump === "minor");
    return enough
      ? verdict(true, `breaking changes, released as ${head} (${bump} bump from ${base})`)
      : verdict(
          false,
          `breaking changes need a ${needed} version bump: ${base} → ${next(base, needed)} (info.version is ${head})`,
        );
  }
  if (needed === "minor-or-patch") {
    return bump === "none"
      ? verdict(
          true,
          `compatible changes only; release them as a minor or patch version after ${base}`,
        )
      : verdict(true, `compatible changes only, released as ${head} (${bump} bump from ${base})`);
  }
  return verdict(
    true,
    bump === "none" ? `no changes (${head})` : `no changes; version ${base} → ${head}`,
  );
}
