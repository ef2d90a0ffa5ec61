// The web preview as a collection source: t.me/s/<name> history pages,
// followed with ?before=<id>, and t.me/<name> for the exact subscriber count.
// Needs no account; sees no forwards or reply counts and no edit times.
import type { ChannelSnapshot } from '../channels/types.ts';
import { RetryLaterError, parseRetryAfter } from '../pacing/retry-later.ts';
import type { Clock, Pacer } from '../pacing/pacer.ts';
import type { ChannelPost } from '../posts/types.ts';
import {
  ChannelUnavailableError,
  type ChannelSource,
  type HistoryPage,
  type RecheckResult,
  type SourceChannel,
} from '../collection/source.ts';
import type { HttpFetcher, HttpResponse } from './http.ts';
import { parseChannelPage, parsePreviewPage, type PreviewPage } from './parse.ts';

export interface WebPreviewOptions {
  /** https://t.me, or a local server in tests. */
  baseUrl: string;
  fetcher: HttpFetcher;
  pacer: Pacer;
  clock: Clock;
  /** A pacer wait longer than this becomes a RetryLaterError (the job is delayed instead). */
  maxWaitMs?: number;
}

function usernameOf(channel: SourceChannel): string {
  if (!channel.username) {
    throw new ChannelUnavailableError('not_found', `channel #${channel.channelId} has no public username; the web preview needs one`);
  }
  return channel.username;
}

export function createWebPreviewSource(options: WebPreviewOptions): ChannelSource {
  const { baseUrl, fetcher, pacer, clock } = options;
  const maxWaitMs = options.maxWaitMs ?? 30_000;

  async function get(url: string, signal?: AbortSignal): Promise<HttpResponse> {
    await pacer.take({ maxWaitMs, ...(signal ? { signal } : {}) });
    const response = await fetcher.get(url, signal);
    if (response.status === 429) {
      const waitMs = parseRetryAfter(response.header('retry-after'), clock.now(), 60_000);
      // Every later request through this pacer waits too, not only this job.
      pacer.pauseUntil(clock.now() + waitMs);
      throw new RetryLaterError(waitMs, `the web preview answered 429 for ${url}`);
    }
    if (response.status >= 500) throw new Error(`the web preview answered ${response.status} for ${url}`);
    return response;
  }

  /** t.me/s/<name> redirected or 404ed: find out whether the channel exists at all. */
  async function explainMissingPreview(username: string, signal?: AbortSignal): Promise<never> {
    const page = await get(`${baseUrl}/${username}`, signal);
    const info = page.status === 200 ? parseChannelPage(page.body) : null;
    if (info?.kind === 'channel') {
      throw new ChannelUnavailableError('no_preview', `@${username} exists but shows no public preview (t.me/s/${username} redirects)`);
    }
    if (info?.kind === 'other') throw new ChannelUnavailableError('not_found', `@${username} is not a channel (a user, bot or group)`);
    throw new ChannelUnavailableError('not_found', `@${username} does not exist`);
  }

  async function previewPage(username: string, before: number | null, signal?: AbortSignal): Promise<PreviewPage> {
    const url = `${baseUrl}/s/${username}${before !== null ? `?before=${before}` : ''}`;
    const response = await get(url, signal);
    if (response.status >= 300 && response.status < 400) return explainMissingPreview(username, signal);
    if (response.status === 404) return explainMissingPreview(username, signal);
    if (response.status !== 200) throw new Error(`the web preview answered ${response.status} for ${url}`);
    const page = parsePreviewPage(response.body);
    if (!page.channel && page.posts.length === 0 && page.serviceIds.length === 0) {
      // Neither a channel header nor messages: not a page we understand. Failing loudly beats storing nothing quietly.
      throw new Error(`${url} is not a channel preview page (markup changed?)`);
    }
    return page;
  }

  function toHistory(page: PreviewPage): HistoryPage {
    const ids = [...page.posts.map((p) => p.messageId), ...page.serviceIds];
    const lowest = ids.length > 0 ? Math.min(...ids) : null;
    // No "before" link, or nothing shown: the channel's first post is on this page.
    return { posts: page.posts, more: page.hasOlder && lowest !== null && lowest > 1, requests: 1 };
  }

  return {
    kind: 'web',

    async resolve() {
      return null; // addressed by username; nothing to resolve
    },

    async snapshot(channel, signal) {
      const username = usernameOf(channel);
      let requests = 1;
      const observedAt = new Date(clock.now());
      const response = await get(`${baseUrl}/${username}`, signal);
      const info = response.status === 200 ? parseChannelPage(response.body) : null;
      if (info?.kind === 'missing' || response.status === 404) throw new ChannelUnavailableError('not_found', `@${username} does not exist`);
      if (info?.kind === 'other') throw new ChannelUnavailableError('not_found', `@${username} is not a channel (a user, bot or group)`);
      let snapshot: ChannelSnapshot = {
        telegramId: null,
        username,
        title: info?.title ?? '',
        about: info?.about ?? null,
        subscribers: info?.subscribers?.value ?? null,
        subscribersExact: info?.subscribers?.exact ?? false,
        observedAt,
      };
      if (!info?.subscribers) {
        // t.me/<name> showed no count: the t.me/s header's abbreviated one is the next best.
        requests++;
        const page = await previewPage(username, null, signal);
        const counter = page.channel?.subscribers ?? null;
        if (counter) snapshot = { ...snapshot, subscribers: counter.value, subscribersExact: counter.exact };
        if (snapshot.title === '' && page.channel) snapshot = { ...snapshot, title: page.channel.title, about: page.channel.about };
      }
      return { snapshot, requests };
    },

    async history(channel, query, signal) {
      return toHistory(await previewPage(usernameOf(channel), query.before, signal));
    },

    /**
     * Walks pages down from just above the newest id asked about. Every id in
     * a page's span (its lowest id up to the `before` it was asked with) that
     * the page does not show is gone: the preview lists every post there is.
     */
    async recheck(channel, messageIds, signal): Promise<RecheckResult> {
      const username = usernameOf(channel);
      const wanted = [...new Set(messageIds)].sort((a, b) => a - b);
      const result: RecheckResult = { posts: [], gone: [], requests: 0 };
      if (wanted.length === 0) return result;
      const lowestWanted = wanted[0]!;
      let before = wanted[wanted.length - 1]! + 1;
      const seen = new Set<number>();
      const posts: ChannelPost[] = [];
      while (true) {
        const page = await previewPage(username, before, signal);
        result.requests++;
        for (const p of page.posts) {
          seen.add(p.messageId);
          posts.push(p);
        }
        for (const id of page.serviceIds) seen.add(id);
        const shown = [...page.posts.map((p) => p.messageId), ...page.serviceIds];
        const floor = shown.length > 0 ? Math.min(...shown) : 0;
        // An empty page means nothing at all exists below `before`.
        for (const id of wanted) if (id >= floor && id < before && !seen.has(id)) result.gone.push(id);
        if (shown.length === 0 || floor <= lowestWanted || !page.hasOlder) break;
        before = floor;
      }
      result.posts = posts;
      return result;
    },
  };
}
