// The acceptance scenario: `framewatch collect @name --once --source web`,
// the real CLI in a child process, against a local server serving
// t.me/s-style pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/db-fixture.ts';
import { makeChannel, textPost, type FakeChannel } from '../../services/samples/tme-pages.ts';
import { startTmeServer, type TmeServer } from '../../services/samples/tme-server.ts';

const t = useTestDatabase();
let server: TmeServer;
let channel: FakeChannel;
const env = () => ({ DATABASE_URL: t.url, TG_WEB_BASE_URL: server.url, TG_WEB_REQUESTS_PER_SECOND: '200' });

/** Truncated one-decimal abbreviations: the stored value is at most one unit of the last digit below the truth. */
function precisionOf(views: number): number {
  return views < 1000 ? 0 : views < 1_000_000 ? 100 : 100_000;
}

beforeAll(async () => {
  // 70 posts over four pages, with ids missing (deleted before we came) and a service message.
  channel = makeChannel('kursk_watch', 73, { firstId: 1001, subscribers: 12_345 });
  channel.posts = channel.posts.filter((p) => ![1010, 1011, 1050].includes(p.id));
  channel.posts.find((p) => p.id === 1030)!.service = true;
  channel.posts.find((p) => p.id === 1040)!.photo = true;
  channel.posts.find((p) => p.id === 1040)!.html = undefined;
  channel.posts.find((p) => p.id === 1041)!.forwardedFrom = { username: 'rybar', post: 777, title: 'Рыбарь' };
  server = await startTmeServer([channel, { ...makeChannel('hidden_chan', 3), noPreview: true }]);
});
afterAll(async () => {
  await server.close();
});

async function storedPosts() {
  const { rows } = await t.db.query<{ message_id: number; posted_at: Date; text: string; views: number; media_kind: string | null; fwd_from_name: string | null; fwd_from_message_id: number | null }>(
    `SELECT p.message_id, p.posted_at, p.text, p.views, p.media_kind, p.fwd_from_name, p.fwd_from_message_id
       FROM posts p JOIN channels c ON c.id = p.channel_id WHERE c.username = 'kursk_watch' ORDER BY p.message_id`,
  );
  return rows;
}

describe('framewatch collect --once --source web', () => {
  it('says to register the channel first', async () => {
    const result = await runCli(['collect', '@kursk_watch', '--once', '--source', 'web'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/@kursk_watch is not registered; add it first: framewatch channels add @kursk_watch --audience/);
    expect(server.requests).toEqual([]);
  });

  it('stores every post across all pages with exact times, views within precision, and the subscriber count', async () => {
    expect((await runCli(['channels', 'add', '@kursk_watch', '--audience', 'ru'], { env: env() })).code).toBe(0);
    const result = await runCli(['collect', '@kursk_watch', '--once', '--source', 'web'], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^@kursk_watch \(web\): 12,345 subscribers, "Channel kursk_watch"\n/);
    expect(result.stdout).toMatch(/stored 69 new, 0 edited, 0 refreshed posts from 4 pages/);
    expect(result.stdout).toMatch(/posts #1001\.\.#1073; backfill complete/);
    // Pages followed with ?before= down to the first post.
    expect(server.requests.filter((r) => r.startsWith('/s/'))).toEqual([
      '/s/kursk_watch', '/s/kursk_watch?before=1054', '/s/kursk_watch?before=1033', '/s/kursk_watch?before=1013',
    ]);

    const rows = await storedPosts();
    const expected = channel.posts.filter((p) => !p.service);
    expect(rows.map((r) => r.message_id)).toEqual(expected.map((p) => p.id));
    for (const p of expected) {
      const row = rows.find((r) => r.message_id === p.id)!;
      expect(row.posted_at.toISOString()).toBe(p.at.toISOString());
      expect(row.views).toBeLessThanOrEqual(p.views);
      expect(p.views - row.views).toBeLessThanOrEqual(precisionOf(p.views));
    }
    expect(rows.find((r) => r.message_id === 1001)!.text).toBe('Пост номер 1001\nо корейцах под Курском');
    expect(rows.find((r) => r.message_id === 1040)).toMatchObject({ text: '', media_kind: 'photo' });
    expect(rows.find((r) => r.message_id === 1041)).toMatchObject({ fwd_from_name: '@rybar', fwd_from_message_id: 777 });

    const { rows: subs } = await t.db.query<{ subscribers: number; exact: boolean }>('SELECT subscribers, exact FROM subscriber_snapshots');
    expect(subs).toEqual([{ subscribers: 12_345, exact: true }]);
  });

  it('a second pass after new posts appear adds exactly those', async () => {
    const last = channel.posts.at(-1)!;
    const fresh = Array.from({ length: 25 }, (_, i) => textPost(1074 + i, new Date(last.at.getTime() + (i + 1) * 60_000)));
    channel.posts.push(...fresh);
    server.requests.length = 0;
    const result = await runCli(['collect', '@kursk_watch', '--once', '--source', 'web'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stored 25 new, 0 edited, \d+ refreshed posts from 2 pages/);
    expect(result.stdout).toMatch(/posts #1001\.\.#1098/);
    const rows = await storedPosts();
    expect(rows).toHaveLength(69 + 25);
    expect(rows.slice(-25).map((r) => r.message_id)).toEqual(fresh.map((p) => p.id));
    expect(server.requests.filter((r) => r.startsWith('/s/'))).toEqual(['/s/kursk_watch', '/s/kursk_watch?before=1079']);
  });

  it('a pass with nothing new adds nothing', async () => {
    const result = await runCli(['collect', '@kursk_watch', '--once', '--source', 'web'], { env: env() });
    expect(result.stdout).toMatch(/stored 0 new, 0 edited/);
    expect(await storedPosts()).toHaveLength(94);
  });

  it('gives a channel without a public preview a clear status', async () => {
    await runCli(['channels', 'add', '@hidden_chan', '--audience', 'ru'], { env: env() });
    const result = await runCli(['collect', '@hidden_chan', '--once', '--source', 'web'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/@hidden_chan exists but shows no public preview .*\(status no_preview\)/);
    const list = JSON.parse((await runCli(['channels', 'list', '--json'], { env: env() })).stdout) as Array<{ username: string; status: string; subscribers: number | null }>;
    expect(list.find((c) => c.username === 'hidden_chan')).toMatchObject({ status: 'no_preview' });
  });

  it('marks a channel that does not exist not_found', async () => {
    await runCli(['channels', 'add', '@ghost_channel', '--audience', 'ru'], { env: env() });
    const result = await runCli(['collect', '@ghost_channel', '--once', '--source', 'web'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/@ghost_channel does not exist \(status not_found\)/);
  });

  it('refuses --source mtproto without credentials, and a pass without --once', async () => {
    const mtproto = await runCli(['collect', '@kursk_watch', '--once', '--source', 'mtproto'], { env: env() });
    expect(mtproto.code).toBe(2);
    expect(mtproto.stderr).toMatch(/needs TG_API_ID, TG_API_HASH and TG_SESSION/);
    expect((await runCli(['collect', '@kursk_watch'], { env: env() })).code).toBe(2);
  });

  it('login needs the app credentials and a terminal, and says so', async () => {
    const bare = await runCli(['login'], { env: env() });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/login needs TG_API_ID and TG_API_HASH/);
    const piped = await runCli(['login'], { env: { ...env(), TG_API_ID: '12345', TG_API_HASH: '0123456789abcdef0123456789abcdef' } });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/login is interactive: run it in a terminal/);
    expect(piped.stdout).toBe('');
  });
});
