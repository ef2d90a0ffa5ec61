// The demo: the whole product on bundled sample data, in one process.
//  1. migrates the database;
//  2. imports the Telegram Desktop exports of five sample channels;
//  3. starts a simulated t.me (there is no network here) serving every sample
//     channel's web preview, and collects the two "live" channels from it;
//  4. classifies every post and prints each audience's frame shares;
//  5. serves the API and runs the workers: the simulated channels publish their
//     held-back posts one by one, and the workers collect, classify and roll
//     them up as they would on Telegram.
// Stops on SIGINT/SIGTERM.
import type { Config } from '../../../config/env.ts';
import { reclassifyStoredPosts } from '../../classification/service.ts';
import { findChannelByUsername } from '../../channels/store.ts';
import { createCollector } from '../../collection/collector.ts';
import { createContainer, type Container } from '../../container.ts';
import { migrate } from '../../db/migrate.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../keys/store.ts';
import { liveSampleChannel, publishNext, type LiveSampleChannel } from '../../samples/live.ts';
import { loadSampleChannels, readSampleManifest, SAMPLES_DIR } from '../../samples/load.ts';
import { startTmeServer } from '../../samples/tme-server.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { runWorker } from '../../../workers/main.ts';

const DEMO_KEY_NAME = 'demo (framewatch demo)';
/** Newest posts of each live channel held back, then published one at a time. */
const HELD_BACK = 6;

function parseSeconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)s?$/.exec(value);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`${name} must be a number of seconds, e.g. 20s`);
  return Number(m[1]) * 1000;
}

/** The user's configuration, pointed at the simulated t.me with demo-sized intervals. */
function demoConfig(config: Config, tmeUrl: string, pollMs: number): Config {
  return {
    ...config,
    telegram: null,
    tgWebBaseUrl: tmeUrl,
    collection: {
      ...config.collection,
      pollEveryMs: pollMs,
      snapshotEveryMs: Math.max(pollMs * 4, 60_000),
      refreshEveryMs: Math.max(pollMs * 4, 60_000),
      backfillSince: null,
      // The simulated t.me is local: no reason to pace it like Telegram.
      webRate: { perSecond: 50, burst: 50 },
    },
  };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'imports, collects and classifies the bundled sample channels, then serves the API and runs the workers',
  usage: 'demo [--no-serve] [--poll-every 15s] [--publish-every 20s]',
  options: { 'no-serve': { type: 'boolean' }, 'poll-every': { type: 'string' }, 'publish-every': { type: 'string' } },
  async run({ io, container: base, stopSignal }, args) {
    const say = (line = '') => io.stdout.write(`${line}\n`);
    const pollMs = parseSeconds(stringOption(args, 'poll-every'), 15_000, '--poll-every');
    const publishMs = parseSeconds(stringOption(args, 'publish-every'), 20_000, '--publish-every');

    const { applied } = await migrate(base.config.databaseUrl);
    say(`database ready (${applied.length} migrations applied)`);

    // The simulated t.me serves every sample channel; the live ones with their newest posts held back.
    const samples = await readSampleManifest();
    const tme = await startTmeServer();
    const live: LiveSampleChannel[] = [];
    for (const sample of samples) {
      const channel = await liveSampleChannel(SAMPLES_DIR, sample, '', sample.source === 'web' ? HELD_BACK : 0);
      tme.channels.set(sample.username, channel.channel);
      if (sample.source === 'web') live.push(channel);
    }
    const container = createContainer(demoConfig(base.config, tme.url, pollMs));
    try {
      await loadSampleChannels(container.db, {
        onChannel: (sample, s) => say(`imported @${sample.username} (${sample.audience}) from its Telegram Desktop export: ${s.posts} posts, ${s.inserted} new`),
      });
      await collectLiveChannels(container, live, say, stopSignal);

      const classified = await reclassifyStoredPosts(container.db, container.classifier);
      say(`classified ${classified.classified} posts with ${container.classifier.version}`);
      say();
      say(await audienceTable(container));
      if (args.values['no-serve']) return 0;

      await serve(container, live, { say, stopSignal, publishMs });
      return 0;
    } finally {
      await container.close();
      await tme.close();
    }
  },
};

async function collectLiveChannels(container: Container, live: LiveSampleChannel[], say: (line: string) => void, signal: AbortSignal) {
  const collector = createCollector({ db: container.db, source: container.collectionSource('web'), logger: container.logger });
  for (const { channel } of live) {
    const stored = await findChannelByUsername(container.db, channel.username);
    if (!stored) continue;
    const snapshot = await collector.snapshot(stored.id, signal);
    const report = await collector.poll(stored.id, { maxPages: Infinity, defaultBackfillSince: null, signal }, 'once');
    say(
      `collected @${channel.username} from the simulated t.me/s web preview: ${report.inserted} posts over ${report.pages} pages,` +
        ` ${snapshot.snapshot?.subscribers?.toLocaleString('en-US') ?? '?'} subscribers`,
    );
  }
}

/** Frames (rows) by audience (columns): the share of each audience's on-topic posts carrying the frame. */
async function audienceTable(container: Container): Promise<string> {
  const { rows: onTopic } = await container.db.query<{ audience: string; n: number }>(
    `SELECT c.audience, count(*) AS n FROM posts p JOIN channels c ON c.id = p.channel_id WHERE p.on_topic GROUP BY c.audience`,
  );
  const { rows: framed } = await container.db.query<{ audience: string; frame: string; n: number }>(
    `SELECT c.audience, f.frame, count(*) AS n FROM frame_tags f JOIN channels c ON c.id = f.channel_id GROUP BY c.audience, f.frame`,
  );
  return formatShareTable(onTopic, framed);
}

const AUDIENCE_ORDER = ['ua', 'ru', 'west', 'monitor'];

export function formatShareTable(onTopic: Array<{ audience: string; n: number }>, framed: Array<{ audience: string; frame: string; n: number }>): string {
  const audiences = AUDIENCE_ORDER.filter((a) => onTopic.some((r) => r.audience === a));
  const totals = new Map(onTopic.map((r) => [r.audience, r.n]));
  const frames = [...new Set(framed.map((r) => r.frame))].sort();
  const cell = (audience: string, frame: string) => {
    const n = framed.find((r) => r.audience === audience && r.frame === frame)?.n ?? 0;
    const total = totals.get(audience) ?? 0;
    return total === 0 ? '-' : `${Math.round((100 * n) / total)}%`;
  };
  const header = ['share of on-topic posts', ...audiences.map((a) => `${a} (${totals.get(a)})`)];
  const rows = frames.map((f) => [f, ...audiences.map((a) => cell(a, f))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

async function demoKey(container: Container): Promise<string> {
  if (container.config.adminKey) return container.config.adminKey;
  // One demo key at a time: the previous run's is revoked.
  for (const key of await listApiKeys(container.db)) {
    if (key.name === DEMO_KEY_NAME && !key.revokedAt) await revokeApiKey(container.db, key.id);
  }
  return (await createApiKey(container.db, { name: DEMO_KEY_NAME, scope: 'admin' })).key;
}

async function serve(
  container: Container,
  live: LiveSampleChannel[],
  options: { say: (line?: string) => void; stopSignal: AbortSignal; publishMs: number },
): Promise<void> {
  const { say, stopSignal } = options;
  const key = await demoKey(container);
  // Fastify loads only when serving (it costs half a second to import).
  const { buildApp } = await import('../../api/app.ts');
  const app = await buildApp(container);
  const address = await app.listen({ host: container.config.host, port: container.config.port });

  let worker: Promise<void> | null = null;
  try {
    await container.queue.counts('collect');
    worker = runWorker(container, { stopSignal, maintenanceEveryMs: 10_000 });
  } catch (err) {
    say(`note: no workers (Redis at ${container.config.redisUrl} is not reachable: ${(err as Error).message}); serving the API only`);
  }

  let turn = 0;
  const publisher = setInterval(() => {
    const post = publishNext(live, turn++);
    if (post) container.logger.info({ post: post.id }, 'simulated t.me published a post');
    else clearInterval(publisher);
  }, options.publishMs);

  say();
  say(`demo ready: API ${address}  (OpenAPI UI ${address}/docs)`);
  say(`API key: ${key}`);
  say(`  curl -H 'Authorization: Bearer ${key}' '${address}/v1/trends?bucket=month&groupBy=audience&frame=denial&metric=share&from=2024-10-01&to=2025-03-01'`);
  say(`  curl -H 'Authorization: Bearer ${key}' '${address}/v1/audiences/compare?from=2024-10-01&to=2025-03-01'`);
  say(`  curl -H 'Authorization: Bearer ${key}' '${address}/v1/posts?frame=kidnapping&from=2024-10-01&to=2025-03-01&limit=5'`);
  say(
    worker
      ? `workers running: the live sample channels publish a held-back post every ${options.publishMs / 1000} s; they are collected, classified and rolled up as they arrive. Ctrl-C stops.`
      : 'Ctrl-C stops.',
  );

  await new Promise<void>((resolve) => {
    if (stopSignal.aborted) return resolve();
    stopSignal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(publisher);
  say('stopping');
  await worker;
  await app.close();
}
