// `framewatch collect <@name> --once`: one synchronous pass for one channel,
// no worker and no Redis: subscriber count, new posts, backfill to the
// horizon. New and edited posts keep classified_at NULL, which is how the
// classifier finds them without a queue.
import { findChannelByUsername } from '../../channels/store.ts';
import { createCollector, type CollectReport } from '../../collection/collector.ts';
import type { SourceKind } from '../../collection/source.ts';
import { setBackfillUntil } from '../../collection/state.ts';
import { SourceUnavailableError } from '../../container.ts';
import { isRetryLater } from '../../pacing/retry-later.ts';
import { channelArgument, stringOption, UsageError, type Command } from '../command.ts';

function parseSince(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!at || Number.isNaN(at.getTime())) throw new UsageError(`--since must be a date YYYY-MM-DD (got "${value}")`);
  return at;
}

function describe(name: string, kind: SourceKind, snapshot: CollectReport, posts: CollectReport | null, refresh: CollectReport | null): string[] {
  const lines: string[] = [];
  const s = snapshot.snapshot;
  lines.push(
    s && s.subscribers !== null
      ? `@${name} (${kind}): ${s.subscribers.toLocaleString('en-US')} subscribers${s.subscribersExact ? '' : ' (abbreviated count)'}${s.title ? `, "${s.title}"` : ''}`
      : `@${name} (${kind}): subscriber count not shown`,
  );
  if (posts) {
    const cursor = posts.newestMessageId === null ? 'no posts yet' : `posts #${posts.oldestMessageId}..#${posts.newestMessageId}`;
    const backfill = posts.backfillDone ? 'backfill complete' : 'backfill continues on the next pass';
    lines.push(
      `stored ${posts.inserted} new, ${posts.edited} edited, ${posts.refreshed} refreshed posts from ${posts.pages} ${posts.pages === 1 ? 'page' : 'pages'} (${posts.requests} requests); ${cursor}; ${backfill}`,
    );
  }
  if (refresh) lines.push(`rechecked recent posts: ${refresh.edited} edited, ${refresh.deleted} deleted, ${refresh.refreshed} with new counts`);
  return lines;
}

export const collectCommand: Command = {
  name: 'collect',
  summary: 'one collection pass for one channel (posts and subscriber count), without the queue',
  usage: 'collect <@name> --once [--source web|mtproto] [--since YYYY-MM-DD] [--max-pages N] [--refresh]',
  positionals: 1,
  options: {
    once: { type: 'boolean' },
    source: { type: 'string' },
    since: { type: 'string' },
    'max-pages': { type: 'string' },
    refresh: { type: 'boolean' },
  },
  async run({ io, container, stopSignal }, args) {
    if (!args.values.once) throw new UsageError('only one-shot collection is built in: add --once (the worker collects continuously: "framewatch worker")');
    const username = channelArgument(args.positionals[0]!);
    const sourceArg = stringOption(args, 'source');
    if (sourceArg !== undefined && sourceArg !== 'web' && sourceArg !== 'mtproto') throw new UsageError('--source must be web or mtproto');
    const maxPagesArg = stringOption(args, 'max-pages');
    if (maxPagesArg !== undefined && !/^[1-9]\d*$/.test(maxPagesArg)) throw new UsageError('--max-pages must be a positive integer');
    const since = parseSince(stringOption(args, 'since'));

    const db = container.db;
    const channel = await findChannelByUsername(db, username);
    if (!channel) {
      io.stderr.write(`framewatch collect: @${username} is not registered; add it first: framewatch channels add @${username} --audience ua|ru|west|monitor\n`);
      return 1;
    }
    let source;
    try {
      source = container.collectionSource(sourceArg as SourceKind | undefined);
    } catch (err) {
      if (err instanceof SourceUnavailableError) throw new UsageError(err.message);
      throw err;
    }
    if (since) await setBackfillUntil(db, channel.id, since);
    if (channel.status === 'paused') io.stderr.write(`note: @${username} is paused; collecting it once anyway\n`);

    const collector = createCollector({ db, source, logger: container.logger });
    const say = (lines: string[]) => io.stdout.write(`${lines.join('\n')}\n`);
    try {
      const snapshot = await collector.snapshot(channel.id, stopSignal);
      if (snapshot.outcome === 'busy') {
        io.stderr.write(`framewatch collect: @${username} is being collected by a worker right now; try again in a moment\n`);
        return 1;
      }
      if (snapshot.outcome === 'unavailable') {
        io.stderr.write(`framewatch collect: ${snapshot.detail} (status ${snapshot.status})\n`);
        return 1;
      }
      const posts = await collector.poll(
        channel.id,
        { maxPages: maxPagesArg ? Number(maxPagesArg) : Infinity, defaultBackfillSince: container.config.collection.backfillSince, signal: stopSignal },
        'once',
      );
      if (posts.outcome === 'unavailable') {
        io.stderr.write(`framewatch collect: ${posts.detail} (status ${posts.status})\n`);
        return 1;
      }
      const refresh = args.values.refresh ? await collector.refresh(channel.id, container.config.collection.refreshWindowMs, stopSignal) : null;
      say(describe(username, source.kind, snapshot, posts, refresh));
      if (posts.outcome === 'stopped') io.stderr.write('stopped; the next pass resumes where this one ended\n');
      return 0;
    } catch (err) {
      if (isRetryLater(err)) {
        io.stderr.write(`framewatch collect: ${err.message}; what was stored so far is kept, run it again later\n`);
        return 1;
      }
      throw err;
    }
  },
};
