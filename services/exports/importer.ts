// Imports one Telegram Desktop channel export (result.json) into the posts
// store. Streaming (memory stays flat on multi-gigabyte files), batched, and
// all or nothing: the whole file is one transaction, so a malformed or
// truncated export stores nothing at all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { advanceCursors, getChannel, upsertExportChannel } from '../channels/store.ts';
import type { Audience, Channel } from '../channels/types.ts';
import type { Db } from '../db/db.ts';
import { upsertPosts } from '../posts/store.ts';
import type { ChannelPost } from '../posts/types.ts';
import { JsonStreamError, readJsonArrayStream } from './json-stream.ts';
import { ExportFormatError, mapExportMessage, readExportHeader } from './telegram-desktop.ts';

/** A failed import, with one line naming the file and where it broke. */
export class ImportError extends Error {
  override name = 'ImportError';
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  messages: number;
}

export interface ImportOptions {
  audience?: Audience;
  /** Attach the export to this registered @username (needed when the channel was added by name). */
  username?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Posts per write; larger batches mean fewer round trips, more memory. */
  batchSize?: number;
  now?: () => Date;
}

export interface ImportSummary {
  file: string;
  channel: Channel;
  channelCreated: boolean;
  /** Elements of the export's messages array. */
  messages: number;
  posts: number;
  skippedService: number;
  skippedUnsupported: number;
  /** Posts dated from `date` because the export predates `date_unixtime`. */
  inexactTimes: number;
  inserted: number;
  edited: number;
  refreshed: number;
  unchanged: number;
  bytes: number;
  sha256: string;
}

export async function importTelegramExport(db: Db, path: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const file = basename(path);
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportError(`${path}: not a file`);
    totalBytes = info.size;
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const batchSize = options.batchSize ?? 2000;
  const seenAt = (options.now ?? (() => new Date()))();
  const startedAt = new Date();
  const hash = createHash('sha256');
  let bytesRead = 0;

  const summary = {
    file: path,
    messages: 0,
    posts: 0,
    skippedService: 0,
    skippedUnsupported: 0,
    inexactTimes: 0,
    inserted: 0,
    edited: 0,
    refreshed: 0,
    unchanged: 0,
    bytes: totalBytes,
  };

  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      bytesRead += buf.length;
      yield buf;
      options.onProgress?.({ bytesRead, totalBytes, messages: summary.messages });
    }
  }

  try {
    return await db.transaction(async (tx) => {
      const header = new Map<string, unknown>();
      let channel: Channel | null = null;
      let channelCreated = false;
      let batch: ChannelPost[] = [];
      let minId = Infinity;
      let maxId = 0;
      let sawMessages = false;

      // One write in flight while the next batch is parsed: parsing and the
      // database then work at the same time, and memory holds two batches at most.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async () => {
        if (batch.length === 0 || !channel) return;
        const posts = batch;
        const channelId = channel.id;
        batch = [];
        await inFlight;
        inFlight = upsertPosts(tx, channelId, posts, { source: 'export', seenAt }).then((outcome) => {
          summary.inserted += outcome.inserted.length;
          summary.edited += outcome.edited.length;
          summary.refreshed += outcome.refreshed.length;
          summary.unchanged += outcome.unchanged;
        });
        // A failed write must not go unobserved while parsing continues.
        inFlight.catch(() => {});
      };

      for await (const event of readJsonArrayStream(chunks(), 'messages')) {
        if (event.kind === 'field') {
          header.set(event.key, event.value);
        } else if (event.kind === 'arrayStart') {
          sawMessages = true;
          const identity = readExportHeader(header);
          const result = await upsertExportChannel(tx, {
            telegramId: identity.telegramId,
            title: identity.name,
            ...(options.username ? { username: options.username } : {}),
            ...(options.audience ? { audience: options.audience } : {}),
          });
          channel = result.channel;
          channelCreated = result.created;
        } else if (event.kind === 'element') {
          summary.messages++;
          const item = mapExportMessage(event.value, event.index);
          if (item.kind === 'skipped') {
            if (item.reason === 'service') summary.skippedService++;
            else summary.skippedUnsupported++;
            continue;
          }
          summary.posts++;
          if (!item.exactTime) summary.inexactTimes++;
          minId = Math.min(minId, item.post.messageId);
          maxId = Math.max(maxId, item.post.messageId);
          batch.push(item.post);
          if (batch.length >= batchSize) await flush();
        } else {
          await flush();
        }
      }
      await inFlight;
      if (!sawMessages || !channel) throw new ExportFormatError('the file has no "messages" array; is it a Telegram Desktop JSON export?');
      if (summary.posts > 0) {
        await advanceCursors(tx, channel.id, { newestMessageId: maxId, oldestMessageId: minId });
        channel = (await getChannel(tx, channel.id)) ?? channel;
      }
      const sha256 = hash.digest('hex');
      await tx.query(
        `INSERT INTO imports (channel_id, file_name, file_bytes, file_sha256, messages, inserted, updated, unchanged, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [channel.id, file, totalBytes, sha256, summary.messages, summary.inserted, summary.edited + summary.refreshed, summary.unchanged, startedAt],
      );
      return { ...summary, channel, channelCreated, sha256 };
    });
  } catch (err) {
    if (err instanceof JsonStreamError || err instanceof ExportFormatError) {
      throw new ImportError(`${path}: ${err.message}; nothing was imported`, { cause: err });
    }
    throw err;
  }
}
