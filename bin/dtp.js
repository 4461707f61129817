#!/usr/bin/env node
// Entry point of the `dtp` command: runs the compiled CLI (built by `npm run build`,
// which `npm install` runs through the `prepare` script).
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
