// Import throughput on a generated Telegram Desktop export of 1M posts
// (options: --posts=N, --batch=N). The import runs in a child process so its
// peak memory (max RSS) is the importer's own, not the generator's.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteIdent, runOnDatabase } from '../../services/db/db.ts';
import { migrate } from '../../services/db/migrate.ts';
import { writeExport, type ExportMessageSpec } from '../helpers/export-builder.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';
import type { BenchContext, Benchmark, BenchResult } from './harness.ts';

const WORDS = 'Никаких корейцев под Курском нет это фейк ЦИПсО Зеленский снова рассказывает чтобы выбить ещё денег северокорейские военные штурмовали посёлок пушечное мясо дроны Kim troops Kursk fake news'.split(' ');

function* messages(count: number): Generator<ExportMessageSpec> {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const start = Date.UTC(2024, 9, 1);
  for (let i = 1; i <= count; i++) {
    const words = Array.from({ length: 10 + Math.floor(rand() * 50) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    yield {
      id: i,
      at: new Date(start + i * 13_000),
      text: i % 10 === 0 ? [words, ' ', { type: 'hashtag', text: '#Курск' }, ' ', { type: 'text_link', text: 'читать', href: 'https://example.org/' + i }] : words,
      photo: i % 6 === 0,
      editedAt: i % 25 === 0 ? new Date(start + i * 13_000 + 600_000) : undefined,
      forwardedFrom: i % 15 === 0 ? { name: 'Военкор', channelId: 1600000001 } : undefined,
      reactions: i % 3 === 0 ? [{ emoji: '👍', count: i % 1000 }, { emoji: '🔥', count: i % 77 }] : undefined,
    };
  }
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const posts = Number(ctx.options.posts ?? 1_000_000);
  const file = join(tmpdir(), `framewatch-bench-export-${posts}.json`);
  if (!existsSync(file)) {
    ctx.log(`generating ${posts.toLocaleString('en-US')} posts into ${file}`);
    await writeExport(file, { name: 'Bench channel', id: 1999999999 }, messages(posts));
  }
  const bytes = statSync(file).size;
  const db = 'framewatch_bench_import';
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`);
  await migrate(databaseUrl(db));
  ctx.log(`importing ${(bytes / 2 ** 20).toFixed(0)} MB`);
  const child = fileURLToPath(new URL('./import-child.ts', import.meta.url));
  const output = await new Promise<string>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, databaseUrl(db), file, ctx.options.batch ?? '2000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`import child exited ${code}`))));
  });
  const result = JSON.parse(output) as { seconds: number; maxRssMb: number; inserted: number };
  const again = await new Promise<string>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, databaseUrl(db), file, ctx.options.batch ?? '2000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`re-import child exited ${code}`))));
  });
  const reimport = JSON.parse(again) as { seconds: number; maxRssMb: number; inserted: number; unchanged: number };
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`);
  if (result.inserted !== posts || reimport.unchanged !== posts) {
    throw new Error(`expected ${posts} inserted then ${posts} unchanged, got ${result.inserted} and ${reimport.unchanged}`);
  }
  return {
    metrics: [
      { name: 'export size', value: Math.round(bytes / 2 ** 20), unit: 'MiB' },
      { name: 'first import', value: result.seconds, unit: 's' },
      { name: 'first import throughput', value: Math.round(posts / result.seconds), unit: 'posts/s' },
      { name: 'first import read rate', value: Math.round(bytes / 2 ** 20 / result.seconds), unit: 'MiB/s' },
      { name: 'first import peak RSS', value: result.maxRssMb, unit: 'MiB' },
      { name: 're-import (all unchanged)', value: reimport.seconds, unit: 's' },
      { name: 're-import throughput', value: Math.round(posts / reimport.seconds), unit: 'posts/s' },
      { name: 're-import peak RSS', value: reimport.maxRssMb, unit: 'MiB' },
    ],
    notes: [`${posts.toLocaleString('en-US')} posts in one all-or-nothing transaction; batch ${ctx.options.batch ?? '2000'} posts`],
  };
}

const bench: Benchmark = {
  name: 'import',
  description: 'Telegram Desktop export import: throughput and peak memory on a generated 1M-post export (--posts=N, --batch=N)',
  run,
};
export default bench;
