/** Running `dtp` in-process for the spec-tools tests. */
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { packageRoot } from "../../src/paths.ts";

export interface Run {
  code: number;
  out: string;
  err: string;
}

export async function dtp(argv: string[], io: Partial<CliIo> = {}): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    cwd: packageRoot(),
    color: false,
    ...io,
  });
  return { code, out, err };
}

export const FIXTURES = join(packageRoot(), "test", "fixtures", "spec-diff");
