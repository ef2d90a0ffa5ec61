// Crash safety, proven on the real thing: a worker process collecting a
// channel through the web preview (served slowly by a local server) is killed
// with SIGKILL mid-backfill; a new worker finishes the job. Every post must be
// stored exactly once, unedited, and the cursors must describe what is stored
// at every point, including the instant of the kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { getCollectionState } from '../../services/collection/state.ts';
import { BIN } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { REDIS_URL, useRedisPrefix } from '../helpers/redis.ts';
import { makeChannel } from '../../services/samples/tme-pages.ts';
import { startTmeServer, type TmeServer } from '../../services/samples/tme-server.ts';

const t = useTestDatabase();
const prefix = useRedisPrefix('kill');
const POSTS = 200; // ten t.me/s pages
let server: TmeServer;
let channelId: number;
const children: ChildProcess[] = [];

interface Worker {
  child: ChildProcess;
  output: () => string;
}

function startWorker(): Worker {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: t.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      TG_WEB_BASE_URL: server.url,
      TG_WEB_REQUESTS_PER_SECOND: '100',
      COLLECT_POLL_INTERVAL: '1s',
      COLLECT_SNAPSHOT_INTERVAL: '1h',
      COLLECT_REFRESH_INTERVAL: '1h',
      COLLECT_PAGES_PER_JOB: '3',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs: number, worker?: Worker): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${worker ? `\nworker output:\n${worker.output()}` : ''}`);
}

async function storedIds(): Promise<number[]> {
  const { rows } = await t.db.query<{ message_id: number }>('SELECT message_id FROM posts WHERE channel_id = $1 ORDER BY message_id', [channelId]);
  return rows.map((r) => r.message_id);
}

/** The invariant the cursors promise: every post between them is stored, and nothing else. */
async function expectCursorsConsistent(): Promise<void> {
  const state = (await getCollectionState(t.db, channelId))!;
  const ids = await storedIds();
  if (state.newestMessageId === null) {
    expect(ids).toEqual([]);
    return;
  }
  const expected: number[] = [];
  for (let id = state.oldestMessageId!; id <= state.newestMessageId; id++) expected.push(id);
  expect(ids).toEqual(expected);
}

beforeAll(async () => {
  server = await startTmeServer([makeChannel('kill_test', POSTS, { firstId: 1 })]);
  server.delayMs = 200; // a slow Telegram: each page takes a while, so the kill lands mid-backfill
  channelId = (await registerChannel(t.db, { username: 'kill_test', audience: 'ru' })).channel.id;
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await server.close();
});

describe('a worker killed mid-backfill', () => {
  it('loses and duplicates nothing: a new worker finishes from the committed cursor', async () => {
    const first = startWorker();
    // Wait until the backfill is well under way but not finished.
    const atKill = await until('the backfill to be under way', async () => {
      const ids = await storedIds();
      return ids.length >= 60 ? ids.length : null;
    }, 20_000, first);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(first.child.signalCode).toBe('SIGKILL');

    const stateAtKill = (await getCollectionState(t.db, channelId))!;
    expect(stateAtKill.backfillDone).toBe(false);
    expect((await storedIds()).length).toBeGreaterThanOrEqual(atKill);
    expect((await storedIds()).length).toBeLessThan(POSTS);
    await expectCursorsConsistent();

    const second = startWorker();
    await until('the backfill to finish', async () => (await getCollectionState(t.db, channelId))!.backfillDone, 30_000, second);

    // Graceful stop: SIGTERM, active jobs finish, connections close, exit 0.
    second.child.kill('SIGTERM');
    const [code] = (await once(second.child, 'exit')) as [number | null];
    expect(code, second.output()).toBe(0);
    expect(second.output()).toMatch(/worker stopped/);

    expect(await storedIds()).toEqual(Array.from({ length: POSTS }, (_, i) => i + 1));
    await expectCursorsConsistent();
    expect(await getCollectionState(t.db, channelId)).toMatchObject({ newestMessageId: POSTS, oldestMessageId: 1, catchUp: null, backfillDone: true });
    // Each post written once as itself: no spurious edits from re-reading a page.
    const { rows } = await t.db.query<{ versions: number; max_version: number }>(
      'SELECT (SELECT count(*) FROM post_versions WHERE channel_id = $1) AS versions, (SELECT max(version) FROM posts WHERE channel_id = $1) AS max_version',
      [channelId],
    );
    expect(rows[0]).toEqual({ versions: 0, max_version: 1 });
  });
});
