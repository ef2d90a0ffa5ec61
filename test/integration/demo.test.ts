// `framewatch demo` end to end, as a user runs it: a real process that
// migrates a fresh database, imports and collects the samples, classifies,
// serves the API and runs the workers until SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteIdent, runOnDatabase } from '../../services/db/db.ts';
import { readSampleManifest, SAMPLES_DIR } from '../../services/samples/load.ts';
import { BIN } from '../helpers/cli.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';
import { until } from '../helpers/until.ts';

const name = `fwt_${Math.floor(Date.now() / 1000)}_demo_${randomBytes(3).toString('hex')}`;
const prefix = useRedisPrefix('demo');
let child: ChildProcess | null = null;
let stdout = '';
let stderr = '';

afterAll(async () => {
  child?.kill('SIGKILL');
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
});

describe('framewatch demo', () => {
  it('imports, collects, classifies, serves, keeps collecting live posts, and stops cleanly', async () => {
    child = spawn(process.execPath, [BIN, 'demo', '--poll-every', '1s', '--publish-every', '1s'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl(name), REDIS_URL, QUEUE_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('close', resolve));

    const ready = await until('the demo to be ready', async () => /demo ready: API (\S+)/.exec(stdout), 90_000);
    const address = ready[1]!;
    const key = /API key: (\S+)/.exec(stdout)![1]!;
    expect(stdout).toMatch(/imported @\w+ \(ua\) from its Telegram Desktop export: \d+ posts/);
    expect(stdout).toMatch(/collected @\w+ from the simulated t\.me\/s web preview: \d+ posts over \d+ pages, [\d,]+ subscribers/);
    expect(stdout).toMatch(/share of on-topic posts\s+ua \(\d+\)\s+ru \(\d+\)\s+west \(\d+\)\s+monitor \(\d+\)/);

    const get = async (path: string) => {
      const res = await fetch(`${address}${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const trends = (await get('/v1/trends?bucket=month&groupBy=audience&frame=denial&metric=share&from=2024-10-01&to=2025-03-01')) as {
      series: Array<{ key: string; points: Array<{ value: number }> }>;
    };
    expect(trends.series.map((s) => s.key).sort()).toEqual(['monitor', 'ru', 'ua', 'west']);
    const ua = trends.series.find((s) => s.key === 'ua')!;
    expect(Math.max(...ua.points.map((p) => p.value))).toBeGreaterThan(0.05); // the ua-targeted channels deny

    // The live channels publish their held-back posts; the workers collect and classify every one.
    const manifest = await readSampleManifest();
    const expected = new Map<string, number>();
    for (const s of manifest.filter((m) => m.source === 'web')) {
      const doc = JSON.parse(await readFile(join(SAMPLES_DIR, s.export), 'utf8')) as { messages: Array<{ type: string }> };
      expected.set(s.username, doc.messages.filter((m) => m.type === 'message').length);
    }
    const url = databaseUrl(name);
    await until('every live post collected and classified', async () => {
      const { rows } = await runOnDatabase(url, `SELECT c.username, count(*)::int AS n, count(p.classifier_version)::int AS classified
        FROM posts p JOIN channels c ON c.id = p.channel_id WHERE c.username = ANY($1) GROUP BY c.username`, [[...expected.keys()]]);
      return rows.length === expected.size && rows.every((r) => r.n === expected.get(r.username as string) && r.classified === r.n);
    }, 60_000);
    // Collecting imported channels from the web preview reconciled with their exports: no spurious edits.
    const { rows } = await runOnDatabase(url, 'SELECT count(*)::int AS edited FROM posts WHERE version > 1');
    expect(rows[0]).toEqual({ edited: 0 });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/stopping\n$/);
    child = null;
  }, 180_000);
});
