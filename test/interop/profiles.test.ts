/**
 * The OAuth profile's selection (src/runner/profiles.ts) is explicit: every registered check
 * has an entry (a new check must be classified), there are no stale entries, and the
 * features an entry requires instead of the check's own are real ones.
 */
import { describe, expect, it } from "vitest";
import type { Feature, Target } from "../../src/check/target.ts";
import { requiredFeatures } from "../../src/runner/check-run.ts";
import { missingFeatureReason } from "../../src/runner/discover.ts";
import {
  DTP_EXTENSION,
  OAUTH_PROFILE,
  profileRequires,
  profileSkipReason,
} from "../../src/runner/profiles.ts";
import { checks } from "../../suites/index.ts";

describe("the OAuth profile's selection", () => {
  it("classifies every registered check, and only those", () => {
    const ids = checks.map((c) => c.meta.id).sort();
    expect(Object.keys(OAUTH_PROFILE).sort()).toEqual(ids);
  });

  it("gives every entry a reason", () => {
    for (const [id, entry] of Object.entries(OAUTH_PROFILE)) {
      expect(entry.why.length, id).toBeGreaterThan(3);
    }
  });

  it("skips DTP extensions with the reason, and nothing under the default profile", () => {
    for (const c of checks) {
      const entry = OAUTH_PROFILE[c.meta.id]!;
      expect(profileSkipReason(c.meta, undefined)).toBeUndefined();
      expect(profileSkipReason(c.meta, "dtp")).toBeUndefined();
      const reason = profileSkipReason(c.meta, "oauth");
      if (entry.oauth) expect(reason, c.meta.id).toBeUndefined();
      else expect(reason, c.meta.id).toBe(`${DTP_EXTENSION} (${entry.why})`);
    }
  });

  it("overrides requirements only under the OAuth profile, with known features", () => {
    const target = { profile: "oauth", metadata: {}, config: {} } as unknown as Target;
    for (const c of checks) {
      expect(requiredFeatures(c.meta)).toEqual(requiredFeatures(c.meta, "dtp"));
      expect(profileRequires(c.meta, "dtp")).toEqual(c.meta.requires);
      for (const f of profileRequires(c.meta, "oauth") as Feature[]) {
        expect(missingFeatureReason(f, target), `${c.meta.id} ${f}`).toBeTruthy();
      }
    }
  });

  it("keeps the DTP-only checks out: no check requiring the dtp feature runs under the profile", () => {
    for (const c of checks) {
      if (!OAUTH_PROFILE[c.meta.id]!.oauth) continue;
      expect(profileRequires(c.meta, "oauth"), c.meta.id).not.toContain("dtp");
    }
  });
});
