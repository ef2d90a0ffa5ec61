// `npm run bench [-- name ... --option=value]`: runs every
// test/bench/*.bench.ts (or those whose file name contains one of the given
// words), one after another so they do not compete for the CPU, prints their
// metrics and writes them as JSON to test/bench/out/<name>.json for comparison
// over time. Options (--posts=100000) reach every benchmark's run(ctx).
// Exit 1 when a metric misses its target.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './harness.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const options = Object.fromEntries(
  process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
    const [key, value] = a.slice(2).split('=');
    return [key!, value ?? 'true'];
  }),
);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ') || '(none found)'} in ${here}`);
  process.exit(2);
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ${availableParallelism()} cores available (benchmarks run on one thread)\n`);
mkdirSync(join(here, 'out'), { recursive: true });
let missed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: Benchmark };
  const bench = mod.default;
  if (!bench || typeof bench.run !== 'function') {
    console.error(`${file}: expected a default export { name, description, run() }`);
    missed++;
    continue;
  }
  console.log(`== ${bench.name}: ${bench.description}`);
  const result = await bench.run({ options, log: (line) => console.log(`  ${line}`) });
  for (const m of result.metrics) {
    const t = m.target;
    const miss = t && ((t.min !== undefined && m.value < t.min) || (t.max !== undefined && m.value > t.max));
    if (miss) missed++;
    const target = t ? `  (target ${t.min !== undefined ? `>= ${t.min}` : ''}${t.max !== undefined ? `<= ${t.max}` : ''}${miss ? ', MISSED' : ', ok'})` : '';
    console.log(`  ${m.name.padEnd(34)} ${formatValue(m.value).padStart(12)} ${m.unit}${target}`);
  }
  for (const note of result.notes ?? []) console.log(`  note: ${note}`);
  console.log('');
  writeFileSync(join(here, 'out', `${bench.name}.json`), `${JSON.stringify({ name: bench.name, at: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`);
}
process.exitCode = missed > 0 ? 1 : 0;

function formatValue(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
