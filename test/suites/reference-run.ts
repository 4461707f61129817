import type { RunOptions } from "../../src/runner/run.ts";

/**
 * How CI runs the whole suite against the embedded reference server: a fixed seed so the
 * run is reproducible (override with DTP_SEED to explore), default property runs.
 */
export const REFERENCE_RUN: RunOptions = {
  seed: process.env.DTP_SEED ? Number(process.env.DTP_SEED) : 20261122,
};
