/**
 * Summarises a V8 `.cpuprofile` (what `node --cpu-prof` and the inspector's Profiler
 * write): where the samples fall (self time) by function and by module, and the inclusive
 * time of the application's own functions.
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples in the idle state (the process waited for work). */
  idleShare: number;
  /** Self time by module, busy samples only. */
  modules: { name: string; share: number }[];
  /** Self time by function, busy samples only. */
  selfTop: { name: string; share: number }[];
  /** Inclusive time of application and library functions, busy samples only. */
  inclusiveTop: { name: string; share: number }[];
}

const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** The module a frame belongs to: an npm package, a project folder, a node: built-in. */
export function moduleOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (url === "") return "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) {
    const m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return `node:${m?.[1] ?? url.slice(5)}`;
  }
  const project = /\/(reference-server|src|bench|suites)\/(.*)$/.exec(url);
  if (project) {
    const [, root, rest] = project;
    const dir = rest!.includes("/") ? rest!.slice(0, rest!.indexOf("/")) : rest!;
    return `${root}/${dir}`;
  }
  return url;
}

const label = (f: CallFrame) => {
  const file = f.url.replace(/^.*\/(node_modules\/|reference-server\/|src\/|bench\/)/, "$1");
  return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
};

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = Math.max(0, p.timeDeltas[i] ?? 0);
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  }
  let idle = 0;
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") {
      idle += t;
      continue;
    }
    const mod = moduleOf(node.callFrame);
    modules.set(mod, (modules.get(mod) ?? 0) + t);
    const fn = SPECIAL.has(node.callFrame.functionName)
      ? node.callFrame.functionName
      : label(node.callFrame);
    functions.set(fn, (functions.get(fn) ?? 0) + t);
    // Inclusive: charge every distinct function on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (SPECIAL.has(f.functionName) || f.url === "" || f.url.startsWith("node:")) continue;
      const l = label(f);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + t);
    }
  }
  const busy = Math.max(1, total - idle);
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: t / busy }));
  return {
    totalMs: total / 1000,
    idleShare: total === 0 ? 0 : idle / total,
    modules: rank(modules),
    selfTop: rank(functions),
    inclusiveTop: rank(inclusive),
  };
}

/** Prints a summary as indented lines. */
export function formatProfile(title: string, s: ProfileSummary, file: string): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `${title}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${pct(s.idleShare).trim()} idle; shares below are of busy time (${file})`,
    "  self time by module:",
    ...s.modules.map((m) => `    ${pct(m.share)}  ${m.name}`),
    "  self time by function:",
    ...s.selfTop.map((m) => `    ${pct(m.share)}  ${m.name}`),
    "  inclusive time (JS functions outside node:):",
    ...s.inclusiveTop.map((m) => `    ${pct(m.share)}  ${m.name}`),
  ];
  return lines.join("\n");
}
