#!/usr/bin/env node
// Entry point of the `dtp` command: runs the compiled CLI (built by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script).
//
// The Node version is checked before anything is imported: the kit's dependencies
// (undici 8 needs Node 22.19) fail on older versions with a raw stack trace at import
// time. Keep this file plain JavaScript that old Node versions can parse.

const MIN = [22, 19];
const have = process.versions.node.split(".").map(Number);
if (have[0] < MIN[0] || (have[0] === MIN[0] && have[1] < MIN[1])) {
  process.stderr.write(`dtp needs Node ≥ ${MIN.join(".")}; this is ${process.versions.node}\n`);
  process.exit(2);
}

import("../dist/src/cli/main.js").then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("main.js")) throw err;
    const root = new URL("..", import.meta.url).pathname;
    process.stderr.write(`dtp: the kit is not built (no dist/): run npm ci in ${root}\n`);
    process.exit(2);
  },
);
