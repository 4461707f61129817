/** One classified difference between two versions of the spec. */
import { type Classification, classify, type DiffRule, type Party, RULES } from "./rules.ts";

export interface Change {
  rule: DiffRule;
  /** Whom the change breaks; empty = compatible. */
  breaks: Party[];
  classification: Classification;
  /** The operation (`POST /token`) or the requirement ID (`DTP-DPOP-002`). */
  subject: string;
  /** Where in the operation, e.g. `request application/json .scope` or `response 200`. */
  location?: string;
  message: string;
}

/** A change with the rule's own classification, or `breaks` when the rule's depends on it. */
export function change(
  rule: DiffRule,
  subject: string,
  location: string | undefined,
  message: string,
  breaks: readonly Party[] = RULES[rule].breaks,
): Change {
  const out: Change = {
    rule,
    breaks: [...breaks],
    classification: classify(breaks),
    subject,
    message,
  };
  if (location !== undefined && location !== "") out.location = location;
  return out;
}

export function isBreaking(c: Change): boolean {
  return c.breaks.length > 0;
}
