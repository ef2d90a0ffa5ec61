// The demo: the whole product on bundled sample data. It grows with each
// capability: it migrates, registers the sample channels, imports their
// Telegram Desktop exports, classifies every post, and prints what each
// audience was told.
import { reclassifyStoredPosts } from '../../classification/service.ts';
import { migrate } from '../../db/migrate.ts';
import { loadSampleChannels } from '../../samples/load.ts';
import type { Command } from '../command.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'migrates, loads and classifies the bundled sample channels, and shows what each audience was told',
  usage: 'demo',
  async run({ io, container }) {
    const say = (line: string) => io.stdout.write(`${line}\n`);
    const { applied } = await migrate(container.config.databaseUrl);
    say(`database ready (${applied.length} migrations applied)`);
    const db = container.db;
    await loadSampleChannels(db, {
      onChannel: (sample, summary) => say(`imported @${sample.username} (${sample.audience}): ${summary.posts} posts, ${summary.inserted} new`),
    });
    const classified = await reclassifyStoredPosts(db, container.classifier);
    say(`classified ${classified.classified} posts with ${container.classifier.version}`);

    const onTopic = await db.query<{ audience: string; n: number }>(
      `SELECT c.audience, count(*) AS n FROM posts p JOIN channels c ON c.id = p.channel_id
        WHERE p.on_topic GROUP BY c.audience`,
    );
    const framed = await db.query<{ audience: string; frame: string; n: number }>(
      `SELECT c.audience, f.frame, count(*) AS n FROM frame_tags f JOIN channels c ON c.id = f.channel_id
        GROUP BY c.audience, f.frame`,
    );
    say('');
    say(formatShareTable(onTopic.rows, framed.rows));
  },
};

const AUDIENCE_ORDER = ['ua', 'ru', 'west', 'monitor'];

/** Frames (rows) by audience (columns): the share of the audience's on-topic posts carrying the frame. */
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
