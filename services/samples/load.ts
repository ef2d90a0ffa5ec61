// The bundled sample channels (samples/): fictional Telegram Desktop exports
// across the four audiences, loaded by `framewatch demo`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordChannelSnapshot, registerChannel } from '../channels/store.ts';
import { isAudience, type Audience } from '../channels/types.ts';
import type { Db } from '../db/db.ts';
import { importTelegramExport, type ImportSummary } from '../exports/importer.ts';

export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));

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
  const path = join(dir, 'manifest.json');
  const raw = JSON.parse(await readFile(path, 'utf8')) as { channels?: unknown };
  if (!Array.isArray(raw.channels)) throw new Error(`${path}: expected {"channels": [...]}`);
  return raw.channels.map((c: Partial<SampleChannel>, i: number) => {
    if (typeof c.username !== 'string' || !isAudience(c.audience) || typeof c.export !== 'string') {
      throw new Error(`${path}: channels[${i}] needs username, audience and export`);
    }
    return { username: c.username, audience: c.audience, export: c.export, labels: c.labels ?? [], subscribers: c.subscribers ?? [] };
  });
}

/** Registers every sample channel, records its subscriber series and imports its export. Idempotent. */
export async function loadSampleChannels(
  db: Db,
  options: { dir?: string; onChannel?: (sample: SampleChannel, summary: ImportSummary) => void } = {},
): Promise<ImportSummary[]> {
  const dir = options.dir ?? SAMPLES_DIR;
  const summaries: ImportSummary[] = [];
  for (const sample of await readSampleManifest(dir)) {
    const { channel } = await registerChannel(db, { username: sample.username, audience: sample.audience, labels: sample.labels });
    for (const [at, subscribers] of sample.subscribers) {
      await recordChannelSnapshot(db, channel.id, {
        telegramId: null, username: null, title: '', about: null, subscribers, subscribersExact: true, observedAt: new Date(at),
      }, 'manual');
    }
    const summary = await importTelegramExport(db, join(dir, sample.export), { username: sample.username, audience: sample.audience });
    options.onChannel?.(sample, summary);
    summaries.push(summary);
  }
  return summaries;
}
