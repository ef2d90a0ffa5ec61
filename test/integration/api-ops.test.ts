// The open operational routes: /health, /ready (PostgreSQL and Redis, for
// real), /metrics (HTTP durations, queue depths, collection lag,
// classification counts).
import { describe, expect, it } from 'vitest';
import { registerChannel } from '../../services/channels/store.ts';
import { createDb } from '../../services/db/db.ts';
import type { QueueStats } from '../../services/monitoring/ports.ts';
import { refreshAllRollups } from '../../services/trends/rollups.ts';
import { buildTestApi, useTestApi } from '../helpers/api.ts';
import { seedCorpus } from '../helpers/corpus.ts';

const fakeQueues: QueueStats = {
  async depths() {
    return [
      { queue: 'collect', state: 'waiting', count: 7 },
      { queue: 'collect', state: 'failed', count: 1 },
      { queue: 'classify', state: 'active', count: 2 },
    ];
  },
};

const api = useTestApi({ queueStats: fakeQueues });

/** The value of one sample line of a Prometheus text exposition, or null. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return null;
}

describe('/health and /ready', () => {
  it('are alive and ready with PostgreSQL and Redis up', async () => {
    expect((await api.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const real = await buildTestApi(api.url, api.db, { readinessChecks: 'container', env: { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' } });
    try {
      const res = await real.app.inject({ url: '/ready' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ready', checks: { postgres: { ok: true }, redis: { ok: true } } });
    } finally {
      await real.app.close();
      await real.container.close();
    }
  });

  it('answers 503 naming Redis when it does not answer (a closed port)', async () => {
    const real = await buildTestApi(api.url, api.db, { readinessChecks: 'container', env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const res = await real.app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: { code: 'not_ready', message: expect.stringMatching(/^not ready: redis: .*ECONNREFUSED/) },
        checks: { postgres: { ok: true, ms: expect.any(Number) }, redis: { ok: false, ms: expect.any(Number), error: expect.stringMatching(/ECONNREFUSED/) } },
      });
    } finally {
      await real.app.close();
      await real.container.close();
    }
  });

  it('answers 503 naming PostgreSQL when it is down', async () => {
    const dead = createDb('postgres://postgres@127.0.0.1:1/framewatch', { max: 1 });
    const real = await buildTestApi('postgres://postgres@127.0.0.1:1/framewatch', dead, { readinessChecks: 'container', env: { REDIS_URL: 'redis://127.0.0.1:6379' } });
    try {
      const res = await real.app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.postgres).toMatchObject({ ok: false });
      expect(res.json().error.message).toMatch(/postgres: /);
    } finally {
      await real.app.close();
      await real.container.close();
      await dead.close();
    }
  });

  it('gives up on a check that hangs', async () => {
    const hanging = await buildTestApi(api.url, api.db, { readinessChecks: [{ name: 'redis', check: () => new Promise(() => {}) }] });
    try {
      const res = await hanging.app.inject({ url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.redis.error).toMatch(/no answer within 2000 ms/);
    } finally {
      await hanging.app.close();
      await hanging.container.close();
    }
  }, 10_000);
});

describe('/metrics', () => {
  it('times requests by route pattern and status, never by raw URL', async () => {
    await api.inject({ method: 'GET', url: '/v1/frames' });
    await api.inject({ method: 'GET', url: '/v1/frames', key: null });
    await api.inject({ method: 'GET', url: '/v1/channels/123456' });
    await api.inject({ method: 'GET', url: '/v1/no/such/route' });
    const text = (await api.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'framewatch_http_request_duration_seconds_count', { method: 'GET', route: '/v1/frames', status_code: '200' })).toBe(1);
    expect(sample(text, 'framewatch_http_request_duration_seconds_count', { route: '/v1/frames', status_code: '401' })).toBe(1);
    expect(sample(text, 'framewatch_http_request_duration_seconds_count', { route: '/v1/channels/:id', status_code: '404' })).toBe(1);
    expect(text).not.toContain('123456');
    expect(text).not.toContain('/v1/no/such/route');
  });

  it('reports queue depths from the queue port', async () => {
    const text = (await api.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'framewatch_queue_jobs', { queue: 'collect', state: 'waiting' })).toBe(7);
    expect(sample(text, 'framewatch_queue_jobs', { queue: 'classify', state: 'active' })).toBe(2);
  });

  it('leaves queue depths out when no queue port is wired', async () => {
    const bare = await buildTestApi(api.url, api.db, { queueStats: null });
    try {
      const text = (await bare.app.inject({ url: '/metrics' })).body;
      expect(text).not.toContain('framewatch_queue_jobs');
      expect(text).toContain('framewatch_posts_awaiting_classification');
    } finally {
      await bare.app.close();
      await bare.container.close();
    }
  });

  it('reports collection lag, the classification backlog and tagged posts per frame', async () => {
    await seedCorpus(api.db);
    await refreshAllRollups(api.db);
    const a = await registerChannel(api.db, { username: 'lagging_one', audience: 'ru' });
    const b = await registerChannel(api.db, { username: 'lagging_two', audience: 'ru' });
    await api.db.query("UPDATE channels SET last_collected_at = now() - interval '1 hour' WHERE id = $1", [a.channel.id]);
    await api.db.query("UPDATE channels SET last_collected_at = now() - interval '3 hours' WHERE id = $1", [b.channel.id]);
    await api.db.query('UPDATE posts SET classifier_version = NULL WHERE message_id IN (3, 4, 5) AND channel_id = (SELECT min(id) FROM channels)');
    const text = (await api.app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'framewatch_collection_lag_seconds', { quantile: '1' })).toBeCloseTo(3 * 3600, -1);
    expect(sample(text, 'framewatch_active_channels_never_collected')).toBe(6);
    expect(sample(text, 'framewatch_posts_awaiting_classification')).toBe(3);
    const { rows } = await api.db.query<{ frame: string; n: number }>(
      'SELECT f.frame, count(*)::int AS n FROM frame_tags f JOIN posts p USING (channel_id, message_id) WHERE p.on_topic GROUP BY f.frame',
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(sample(text, 'framewatch_frame_tagged_posts', { frame: r.frame }), r.frame).toBe(r.n);
    const total = await api.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    expect(sample(text, 'framewatch_posts', { set: 'all' })).toBe(total.rows[0]!.n);
    expect(sample(text, 'framewatch_rollups_stale', { level: 'channel_day' })).toBe(0);
  });
});
