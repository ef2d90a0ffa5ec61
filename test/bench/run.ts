// `npm run bench [-- name...]`: runs every test/bench/*.bench.ts (or those
// whose name matches an argument), one after another so they do not compete
// for the CPU, prints each result, and writes it to test/bench/out/<name>.json.
//
// A benchmark module exports:
//   export const name: string;
//   export async function run(ctx: BenchContext): Promise<BenchResult>;
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export interface BenchContext {
  log(line: string): void;
  /** Arguments after the benchmark names, e.g. `npm run bench -- import --posts=200000`. */
  options: Record<string, string>;
}

export type BenchResult = Record<string, number | string | boolean>;

interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const options = Object.fromEntries(
  args.filter((a) => a.startsWith('--')).map((a) => {
    const [key, value] = a.slice(2).split('=');
    return [key!, value ?? 'true'];
  }),
);

const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
const selected = files.filter((f) => filters.length === 0 || filters.some((n) => f.startsWith(n)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}; have: ${files.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
await mkdir(join(dir, 'out'), { recursive: true });
for (const file of selected) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
  console.log(`\n# ${mod.name}`);
  const started = Date.now();
  const result = await mod.run({ log: (line) => console.log(`  ${line}`), options });
  for (const [key, value] of Object.entries(result)) console.log(`  ${key.padEnd(28)} ${typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await writeFile(join(dir, 'out', `${mod.name}.json`), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`);
}
