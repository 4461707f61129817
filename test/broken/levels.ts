/** The level of the requirement a fault breaks, which decides how it counts as caught. */
import { loadCatalogue, requirementsById } from "../../src/spec/catalogue.ts";
import type { Fault } from "./types.ts";

const LEVELS = new Map([...requirementsById(loadCatalogue())].map(([id, r]) => [id, r.level]));

/**
 * True when a fault breaks a SHOULD (or MAY): its catchers WARN on that requirement (a FAIL
 * only under --strict) and the run, judged on MUSTs, is not NOT CONFORMANT.
 */
export function warnsOnly(fault: Pick<Fault, "requirement">): boolean {
  return LEVELS.get(fault.requirement) !== "MUST";
}
