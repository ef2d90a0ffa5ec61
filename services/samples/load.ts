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
  /** How the demo brings it in: its export imported, or collected from the simulated web preview. */
  source: 'export' | 'web';
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
    const source = c.source ?? 'export';
    if (source !== 'export' && source !== 'web') throw new Error(`${path}: channels[${i}].source must be export or web`);
    return { username: c.username, audience: c.audience, export: c.export, source, labels: c.labels ?? [], subscribers: c.subscribers ?? [] };
  });
}

/**
 * Registers every sample channel and records its subscriber series; imports
 * the exports of the channels the demo imports (all of them with
 * `importAll`; the others the demo collects from its simulated t.me). Idempotent.
 */
export async function loadSampleChannels(
  db: Db,
  options: { dir?: string; importAll?: boolean; onChannel?: (sample: SampleChannel, summary: ImportSummary) => void } = {},
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
    if (sample.source !== 'export' && !options.importAll) continue;
    const summary = await importTelegramExport(db, join(dir, sample.export), { username: sample.username, audience: sample.audience });
    options.onChannel?.(sample, summary);
    summaries.push(summary);
  }
  return summaries;
}
