#!/usr/bin/env node
// The npm registry this project builds from lacks some packages' prebuilt
// binaries for other platforms (e.g. @msgpackr-extract/*-darwin-arm64), so
// `npm install` leaves them out of package-lock.json and `npm ci` then
// refuses the lock as out of sync. This adds an entry for every optional,
// platform-specific dependency missing from the lock; npm ci skips them on
// this platform without fetching. Run after any `npm install`:
//   node .ci/lock-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const PLATFORM = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32)(-\w+)?$/;
let added = 0;
for (const [key, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const entry = `${key ? `${key}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[entry] || packages[hoisted]) continue;
    const m = PLATFORM.exec(name);
    if (!m) continue;
    packages[hoisted] = { version, cpu: [m[2]], license: 'MIT', optional: true, os: [m[1]] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} foreign-platform entries`);
