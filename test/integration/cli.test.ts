import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent, runOnDatabase } from '../../services/db/db.ts';
import { runCli } from '../helpers/cli.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';

// This file drives the CLI end to end, starting with `migrate` creating the database.
const name = `fwt_${Math.floor(Date.now() / 1000)}_cli_${randomBytes(3).toString('hex')}`;
const env = { DATABASE_URL: databaseUrl(name) };
const FIXTURE = new URL('../fixtures/exports/kursk-watch.json', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cli-'));
});
afterAll(async () => {
  await runOnDatabase(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
});

describe('framewatch CLI', () => {
  it('migrate creates the missing database, then reports it up to date', async () => {
    const first = await runCli(['migrate'], { env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`created database ${name}`);
    expect(first.stdout).toMatch(/applied 001_foundation/);
    expect(await runCli(['migrate'], { env })).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
  });

  it('adds channels from @names and links, and lists them', async () => {
    expect(await runCli(['channels', 'add', 'https://t.me/s/Severny_Voenkor', '--audience', 'ru', '--label', 'voenkor'], { env })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^added @severny_voenkor \(#\d+, audience ru, labels voenkor\)\n$/),
    });
    expect((await runCli(['channels', 'add', '@severny_voenkor', '--audience', 'west'], { env })).stdout).toMatch(/^updated @severny_voenkor .*audience west, labels voenkor/);
    const list = await runCli(['channels', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ username: 'severny_voenkor', audience: 'west', labels: ['voenkor'], subscribers: null, posts: 0 }),
    ]);
  });

  it('imports an export, and a second import changes nothing', async () => {
    const first = await runCli(['import', FIXTURE, '--audience', 'ru'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^"Курский вестник ⚡️" \(id 1987654321\): 11 posts \(11 new, 0 edited, 0 unchanged\)/);
    const second = await runCli(['import', FIXTURE], { env });
    expect(second.stdout).toMatch(/11 posts \(0 new, 0 edited, 11 unchanged\)/);
    const table = await runCli(['channels', 'list'], { env });
    expect(table.stdout).toMatch(/id:1987654321\s+ru\s+active\s+-\s+11\s+Курский вестник/);
  });

  it('reclassify tags every stored post once, with the classifier version, and then has nothing to do', async () => {
    const first = await runCli(['reclassify'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^11 of 11 posts tagged by fw-[\w.-]+ in [\d.]+ s; \d+ channel-days of rollups refreshed\n$/);
    const again = await runCli(['reclassify'], { env });
    expect(again.stdout).toMatch(/^0 of 0 posts tagged/);
    const { rows } = await runOnDatabase(databaseUrl(name), 'SELECT count(DISTINCT classifier_version) AS versions, count(*) FILTER (WHERE on_topic) AS on_topic FROM posts');
    expect(rows[0]).toMatchObject({ versions: 1 });
    expect(Number(rows[0]!.on_topic)).toBeGreaterThan(3); // the fixture is mostly about the DPRK troops
    expect(await runCli(['reclassify', '--batch', '0'], { env })).toMatchObject({ code: 2 });
  });

  it('refuses a truncated export with exit 1 and one line naming the file and the place', async () => {
    const whole = await readFile(FIXTURE);
    const path = join(dir, 'result.json');
    await writeFile(path, whole.subarray(0, 3000));
    const result = await runCli(['import', path, '--audience', 'ua'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^framewatch import: ${path}: the file ends before the JSON document does \\(truncated\\?\\) at line \\d+ \\(byte 3000\\), inside "messages"\\[\\d+\\]; nothing was imported$`)),
    ]);
  });

  it.each([
    [['channels', 'add', '@severny_voenkor'], /--audience must be one of ua, ru, west, monitor/],
    [['channels', 'add', 't.me/+secret', '--audience', 'ru'], /private invite link/],
    [['import'], /wrong number of arguments/],
    [['import', 'x.json', '--audiance', 'ru'], /Unknown option '--audiance'/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['keys', 'create', '--name', 'analyst'], /--scope must be one of read, admin/],
    [['keys', 'revoke', 'first'], /the key id must be a number/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('stops at start with one message naming every bad variable', async () => {
    const result = await runCli(['channels', 'list'], { env: { ...env, PORT: 'x', REDIS_URL: 'http://nope' } });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^framewatch: invalid configuration: REDIS_URL .*; PORT /)]);
  });

  it('reads .env from the working directory, with the real environment winning', async () => {
    await writeFile(join(dir, '.env'), `DATABASE_URL=${databaseUrl(name)}\nPORT=not-a-port\n`);
    expect((await runCli(['channels', 'list', '--json'], { cwd: dir, env: { PORT: '4000' } })).code).toBe(0);
    expect((await runCli(['channels', 'list', '--json'], { cwd: dir })).stderr).toMatch(/PORT must be an integer/);
  });

  it('says how to fix an unreachable database', async () => {
    const result = await runCli(['channels', 'list'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to 127\.0\.0\.1:1 \(is PostgreSQL\/Redis running/);
  });
});
