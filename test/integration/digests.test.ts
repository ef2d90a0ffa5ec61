// Weekly digests over a small fixture: the numbers are those of GET
// /v1/trends, the preview route, validation and scopes, `digest send`
// against a local SMTP server, and the weekly schedule sending once.
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyBacklog } from '../../services/classification/service.ts';
import { registerChannel } from '../../services/channels/store.ts';
import { DigestService, dueWeek } from '../../services/digest/service.ts';
import type { MailMessage, MailTransport } from '../../services/mail/transport.ts';
import { upsertPosts } from '../../services/posts/store.ts';
import type { ChannelPost } from '../../services/posts/types.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { digestHandlers } from '../../workers/digests.ts';
import { keywordClassifier } from '../fakes/keyword-classifier.ts';
import { useTestApi } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';

const api = useTestApi();
const WEEK = '2025-03-03';
const PREVIOUS = '2025-02-24';

function post(messageId: number, day: string, text: string, views = 10): ChannelPost {
  return {
    messageId, postedAt: new Date(`${day}T12:00:00Z`), text, entities: null, views, forwards: null,
    replies: null, reactions: null, editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null,
  };
}

interface Received {
  from: string;
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let smtpPort = 0;

beforeAll(async () => {
  const store = async (username: string, audience: 'ua' | 'ru', posts: ChannelPost[]) => {
    const { channel } = await registerChannel(api.db, { username, audience });
    await api.db.transaction((tx) => upsertPosts(tx, channel.id, posts, { source: 'mtproto', seenAt: new Date() }));
  };
  await store('dg_ua_one', 'ua', [
    post(1, '2025-01-06', 'Korea troops'), // on topic long before: makes later frames "first seen"
    post(2, '2025-02-25', 'Korea denial'), post(3, '2025-02-26', 'Korea troops'), post(4, '2025-02-27', 'Korea troops'),
    post(5, '2025-03-04', 'Korea cannon_fodder <b>sent</b> to die', 500), post(6, '2025-03-05', 'Korea cannon_fodder again', 50),
    post(7, '2025-03-06', 'Korea denial'),
  ]);
  await store('dg_ua_two', 'ua', [post(1, '2025-02-28', 'Korea troops'), post(2, '2025-03-07', 'Korea cannon_fodder'), post(3, '2025-03-08', 'Korea troops')]);
  await store('dg_ru_one', 'ru', [
    post(1, '2025-02-25', 'Korea kidnapping'), post(2, '2025-02-26', 'Korea troops'),
    post(3, '2025-03-04', 'Korea kidnapping'), post(4, '2025-03-05', 'Korea kidnapping'), post(5, '2025-03-06', 'Korea troops'), post(6, '2025-03-07', 'Korea troops'),
  ]);
  await classifyBacklog(api.db, keywordClassifier(), 1000);
  await refreshAllRollups(api.db);

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

function service(mail: MailTransport | null = null) {
  return new DigestService({ db: api.db, trends: api.container.trends, logger: pino({ level: 'silent' }), mail: () => mail });
}

describe('the digest builder on the rollups', () => {
  it('has the shares of GET /v1/trends, biggest shifts first, first sightings, top channels and linked examples', async () => {
    const digest = await service().build('2025-03-05', { audiences: ['ua', 'ru'], frames: null });
    expect(digest.week).toBe(WEEK);
    for (const a of digest.audiences) {
      for (const s of a.shifts) {
        const trend = await api.get(`/v1/trends?bucket=week&metric=share&groupBy=audience&audience=${a.audience}&frame=${s.frame}&from=${PREVIOUS}&to=2025-03-10`);
        const [previous, current] = trend.series[0].points;
        expect([s.previousWeek.share, s.previousWeek.posts, s.thisWeek.share, s.thisWeek.posts], `${a.audience} ${s.frame}`)
          .toEqual([previous.value, previous.posts, current.value, current.posts]);
      }
    }
    const ua = digest.audiences.find((a) => a.audience === 'ua')!;
    // ua: 5 on-topic posts this week, 3 cannon_fodder (0 the week before), 1 denial (1 of 4 before).
    expect(ua.onTopicPosts).toBe(5);
    expect(ua.previousOnTopicPosts).toBe(4);
    expect(ua.shifts.map((s) => [s.frame, s.thisWeek.posts, s.previousWeek.posts])).toEqual([['cannon_fodder', 3, 0], ['denial', 1, 1]]);
    expect(ua.shifts[0]!.shift).toBeCloseTo(0.6, 10);
    expect(ua.shifts[1]!.shift).toBeCloseTo(1 / 5 - 1 / 4, 10);
    const ru = digest.audiences.find((a) => a.audience === 'ru')!;
    expect(ru.shifts.map((s) => [s.frame, s.thisWeek.share, s.previousWeek.share])).toEqual([['kidnapping', 0.5, 0.5]]);
    expect(digest.rising).toEqual([{ audience: 'ua', frame: 'cannon_fodder', shift: 0.6 }]);
    expect(digest.subject).toBe('framewatch weekly digest, week of 2025-03-03: Cannon fodder +60.0 pp in Ukrainian audience');
    expect(digest.text).toContain('Cannon fodder: 60.0% (3 posts), was 0.0% (0), +60.0 pp');
    expect(digest.text).toContain('Denial: 20.0% (1 posts), was 25.0% (1), −5.0 pp');
    expect(digest.text).toContain('top channels: @dg_ua_one (2), @dg_ua_two (1)');
    // The most viewed example first, linked.
    expect(digest.text.indexOf('https://t.me/dg_ua_one/5')).toBeLessThan(digest.text.indexOf('https://t.me/dg_ua_one/6'));
    expect(digest.html).toContain('<a href="https://t.me/dg_ua_one/5">');
    expect(digest.html).toContain('&lt;b&gt;sent&lt;/b&gt;');
    expect(digest.text).toMatch(/Cannon fodder in @dg_ua_one on 2025-03-04/);
    expect(digest.text).toMatch(/Cannon fodder in Ukrainian audience on 2025-03-04/);
    expect(digest.text).toMatch(/Cannon fodder in @dg_ua_two on 2025-03-07/);
  });

  it('a subscription\'s filters narrow it', async () => {
    const digest = await service().build(WEEK, { audiences: ['ru'], frames: ['kidnapping'] });
    expect(digest.audiences.map((a) => a.audience)).toEqual(['ru']);
    expect(digest.text).not.toContain('Cannon fodder');
  });
});

describe('/v1/digests', () => {
  it('subscribes, lists, previews a week as subject, text and html, unsubscribes', async () => {
    const res = await api.inject({ method: 'POST', url: '/v1/digests', key: api.adminKey, payload: { email: 'analyst@example.org', audiences: ['ua'], weekday: 2, hour: 6 } });
    expect(res.statusCode).toBe(201);
    const sub = res.json();
    expect(sub).toMatchObject({ email: 'analyst@example.org', audiences: ['ua'], frames: null, weekday: 2, hour: 6 });
    expect((await api.get('/v1/digests', api.adminKey)).items.map((s: { id: number }) => s.id)).toContain(sub.id);
    const preview = await api.get(`/v1/digests/${sub.id}/preview?week=2025-03-06`);
    expect(preview.week).toBe(WEEK);
    expect(preview.subject).toContain('Cannon fodder +60.0 pp');
    expect(preview.text).not.toContain('Russian domestic audience');
    expect(preview.html).toContain('<h1>');
    expect((await api.inject({ method: 'DELETE', url: `/v1/digests/${sub.id}`, key: api.adminKey })).statusCode).toBe(204);
    expect((await api.inject({ method: 'GET', url: `/v1/digests/${sub.id}/preview` })).statusCode).toBe(404);
    expect((await api.inject({ method: 'DELETE', url: `/v1/digests/${sub.id}`, key: api.adminKey })).statusCode).toBe(404);
  });

  it('400 names the parameter; writes need an admin key', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{}, 'email'],
      [{ email: 'not-an-address' }, 'email'],
      [{ email: 'a@example.org', audiences: ['mars'] }, 'audiences.0'],
      [{ email: 'a@example.org', frames: ['nope'] }, 'frames.0'],
      [{ email: 'a@example.org', weekday: 8 }, 'weekday'],
      [{ email: 'a@example.org', hour: 24 }, 'hour'],
    ];
    for (const [payload, parameter] of cases) {
      const res = await api.inject({ method: 'POST', url: '/v1/digests', key: api.adminKey, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.parameter, JSON.stringify(payload)).toBe(parameter);
    }
    const sub = (await api.inject({ method: 'POST', url: '/v1/digests', key: api.adminKey, payload: { email: 'b@example.org' } })).json();
    const badWeek = await api.inject({ method: 'GET', url: `/v1/digests/${sub.id}/preview?week=2025-02-30` });
    expect(badWeek.statusCode).toBe(400);
    expect(badWeek.json().error.parameter).toBe('week');
    expect((await api.inject({ method: 'POST', url: '/v1/digests', key: api.readKey, payload: { email: 'c@example.org' } })).statusCode).toBe(403);
    expect((await api.inject({ method: 'DELETE', url: `/v1/digests/${sub.id}`, key: api.readKey })).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/v1/digests', key: api.readKey })).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/v1/digests', key: null })).statusCode).toBe(401);
  });
});

describe('framewatch digest send', () => {
  it('sends exactly one message with the digest subject to the address', async () => {
    const before = received.length;
    const res = await runCli(['digest', 'send', '--email', 'desk@example.org', '--week', '2025-03-05'], {
      env: { DATABASE_URL: api.url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'framewatch <digest@example.org>' },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('desk@example.org');
    expect(received.length - before).toBe(1);
    const mail = received.at(-1)!;
    expect(mail.to).toEqual(['desk@example.org']);
    expect(mail.from).toBe('digest@example.org');
    // Headers may be folded onto several lines.
    const headers = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    expect(headers).toMatch(/^Subject: framewatch weekly digest, week of 2025-03-03: Cannon fodder \+60.0 pp in Ukrainian audience$/m);
    expect(headers).toMatch(/^To: desk@example.org$/m);
    expect(mail.raw).toContain('text/html');
  });

  it('exit 1 with one line when SMTP is not configured or the send fails; 2 on usage errors', async () => {
    const noSmtp = await runCli(['digest', 'send', '--email', 'desk@example.org'], { env: { DATABASE_URL: api.url } });
    expect(noSmtp.code).toBe(1);
    expect(noSmtp.stderr.trim().split('\n')).toHaveLength(1);
    expect(noSmtp.stderr).toContain('SMTP_URL');

    const before = received.length;
    const down = await runCli(['digest', 'send', '--email', 'desk@example.org'], {
      env: { DATABASE_URL: api.url, SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'digest@example.org' },
    });
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/sending the digest failed: .*ECONNREFUSED/);
    expect(received.length).toBe(before);

    for (const args of [['digest', 'send'], ['digest', 'send', '--email', 'nobody'], ['digest', 'send', '--email', 'a@example.org', '--week', '2025-13-01']]) {
      const res = await runCli(args, { env: { DATABASE_URL: api.url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'digest@example.org' } });
      expect(res.code, args.join(' ')).toBe(2);
    }
  });
});

describe('the weekly schedule', () => {
  it('is due on the subscription\'s weekday and hour for the week before, not for weeks before it subscribed', () => {
    const s = { weekday: 2, hour: 6, createdAt: new Date('2025-01-01T00:00:00Z') };
    expect(dueWeek(s, new Date('2025-03-11T05:59:00Z'))).toBeNull(); // Tuesday before 06:00
    expect(dueWeek(s, new Date('2025-03-11T06:00:00Z'))).toBe(WEEK);
    expect(dueWeek(s, new Date('2025-03-16T23:00:00Z'))).toBe(WEEK);
    expect(dueWeek({ ...s, createdAt: new Date('2025-03-12T00:00:00Z') }, new Date('2025-03-12T08:00:00Z'))).toBeNull();
  });

  it('sends each subscription its week once however often the schedule runs', async () => {
    await api.db.query('DELETE FROM digest_subscriptions');
    const sent: MailMessage[] = [];
    const mail: MailTransport = { send: async (m) => (sent.push(m), { messageId: `<m${sent.length}@test>` }), close() {} };
    const digests = service(mail);
    const sub = (await api.inject({ method: 'POST', url: '/v1/digests', key: api.adminKey, payload: { email: 'weekly@example.org', audiences: ['ua'] } })).json();
    await api.db.query("UPDATE digest_subscriptions SET created_at = '2025-01-01' WHERE id = $1", [sub.id]);
    const jobs: Array<{ name: string; data: unknown }> = [];
    const handlers = digestHandlers({
      db: api.db, digests, logger: pino({ level: 'silent' }), now: () => new Date('2025-03-10T09:00:00Z'),
      queue: { enqueue: async (name, data) => (jobs.push({ name, data }), `${name}`) },
    });
    const ctx = { name: 'schedule-digests' as const, id: 'x', data: {}, attempt: 1, signal: new AbortController().signal };
    await handlers['schedule-digests']!(ctx);
    expect(jobs).toEqual([{ name: 'send-digest', data: { subscriptionId: sub.id, week: WEEK } }]);
    const send = { name: 'send-digest' as const, id: 'y', data: { subscriptionId: sub.id, week: WEEK }, attempt: 1, signal: ctx.signal };
    expect(await handlers['send-digest']!(send)).toEqual({ result: 'sent' });
    expect(await handlers['send-digest']!(send)).toEqual({ result: 'already sent' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'weekly@example.org' });
    expect(sent[0]!.subject).toContain('week of 2025-03-03');
    // Once sent, the schedule no longer enqueues that week.
    jobs.length = 0;
    await handlers['schedule-digests']!(ctx);
    expect(jobs).toEqual([]);
  });
});

describe('the weekly schedule without mail', () => {
  it('enqueues nothing and says why', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const jobs: unknown[] = [];
    const handlers = digestHandlers({
      db: api.db, digests: service(null), logger, now: () => new Date('2025-03-10T09:00:00Z'),
      queue: { enqueue: async (name, data) => (jobs.push({ name, data }), name) },
    });
    const result = await handlers['schedule-digests']!({ name: 'schedule-digests', id: 'x', data: {}, attempt: 1, signal: new AbortController().signal });
    expect(result).toEqual({ enqueued: 0, mailConfigured: false });
    expect(jobs).toEqual([]);
    expect(String(lines[0]?.msg)).toContain('SMTP_URL');
  });
});
