// The demo: the whole product on bundled sample data. It grows with each
// capability: today it migrates, registers the sample channels and imports
// their Telegram Desktop exports.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerChannel, recordChannelSnapshot } from '../../channels/store.ts';
import { isAudience, type Audience } from '../../channels/types.ts';
import { migrate } from '../../db/migrate.ts';
import { importTelegramExport } from '../../exports/importer.ts';
import type { Command } from '../command.ts';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));

export interface SampleChannel {
  username: string;
  audience: Audience;
  labels: string[];
  /** Path of the export, relative to samples/. */
  export: string;
  /** Subscriber counts over the sample period: [ISO time, count]. */
  subscribers: Array<[string, number]>;
}

export async function readSampleManifest(dir: string = SAMPLES_DIR): Promise<SampleChannel[]> {
  const raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { channels?: unknown };
  if (!Array.isArray(raw.channels)) throw new Error(`${join(dir, 'manifest.json')}: expected {"channels": [...]}`);
  return raw.channels.map((c: SampleChannel, i: number) => {
    if (typeof c.username !== 'string' || !isAudience(c.audience) || typeof c.export !== 'string') {
      throw new Error(`${join(dir, 'manifest.json')}: channels[${i}] needs username, audience and export`);
    }
    return { ...c, labels: c.labels ?? [], subscribers: c.subscribers ?? [] };
  });
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'migrates, loads the bundled sample channels and shows what was stored',
  usage: 'demo',
  async run({ io, container }) {
    const say = (line: string) => io.stdout.write(`${line}\n`);
    const { applied } = await migrate(container.config.databaseUrl);
    say(`database ready (${applied.length} migrations applied)`);
    const db = container.db;
    const samples = await readSampleManifest();
    for (const sample of samples) {
      const { channel } = await registerChannel(db, { username: sample.username, audience: sample.audience, labels: sample.labels });
      for (const [at, subscribers] of sample.subscribers) {
        await recordChannelSnapshot(db, channel.id, {
          telegramId: null, username: null, title: '', about: null, subscribers, subscribersExact: true, observedAt: new Date(at),
        }, 'manual');
      }
      const summary = await importTelegramExport(db, join(SAMPLES_DIR, sample.export), { username: sample.username, audience: sample.audience });
      say(`@${sample.username} (${sample.audience}): ${summary.posts} posts, ${summary.inserted} new`);
    }
  },
};
