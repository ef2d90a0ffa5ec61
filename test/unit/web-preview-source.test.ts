import { describe, expect, it } from 'vitest';
import { ChannelUnavailableError, type SourceChannel } from '../../services/collection/source.ts';
import { createPacer, type Clock } from '../../services/pacing/pacer.ts';
import { RetryLaterError } from '../../services/pacing/retry-later.ts';
import type { HttpFetcher, HttpResponse } from '../../services/web-preview/http.ts';
import { createWebPreviewSource } from '../../services/web-preview/source.ts';
import { makeChannel, renderChannelPage, renderMissingPage, renderPreviewPage } from '../../services/samples/tme-pages.ts';

const BASE = 'https://t.me';
const channel: SourceChannel = { channelId: 1, username: 'kursk_watch', telegramId: null, accessHash: null, account: null };

function response(status: number, body = '', headers: Record<string, string> = {}): HttpResponse {
  return { status, body, header: (name) => headers[name.toLowerCase()] ?? null };
}

function fakeFetcher(routes: (url: string) => HttpResponse): HttpFetcher & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async get(url) {
      urls.push(url);
      return routes(url);
    },
  };
}

function clockAt(t = 1_000_000): Clock & { slept: number[] } {
  let now = t;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

function source(fetcher: HttpFetcher, clock = clockAt()) {
  return { s: createWebPreviewSource({ baseUrl: BASE, fetcher, pacer: createPacer({ perSecond: 100, burst: 5 }, clock), clock }), clock };
}

describe('web preview source', () => {
  const fake = makeChannel('kursk_watch', 45, { firstId: 101, subscribers: 64_321 });

  it('pages with ?before= and says when the first post is reached', async () => {
    const fetcher = fakeFetcher((url) => {
      const before = new URL(url).searchParams.get('before');
      return response(200, renderPreviewPage(fake, before ? Number(before) : null));
    });
    const { s } = source(fetcher);
    const top = await s.history(channel, { before: null, after: null });
    expect(top.posts.map((p) => p.messageId)).toEqual(range(126, 145));
    expect(top.more).toBe(true);
    const last = await s.history(channel, { before: 106, after: null });
    expect(last.posts.map((p) => p.messageId)).toEqual(range(101, 105));
    expect(last.more).toBe(false);
    expect(fetcher.urls).toEqual([`${BASE}/s/kursk_watch`, `${BASE}/s/kursk_watch?before=106`]);
  });

  it('treats a 429 like a FloodWait: RetryLaterError with Retry-After, and later requests wait too', async () => {
    let throttled = true;
    const fetcher = fakeFetcher(() => (throttled ? response(429, 'Too Many Requests', { 'retry-after': '90' }) : response(200, renderPreviewPage(fake, null))));
    const { s } = source(fetcher);
    const err = await s.history(channel, { before: null, after: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).retryAfterMs).toBe(90_000);
    throttled = false;
    // Still inside the Retry-After window: refused without a request.
    await expect(s.history(channel, { before: null, after: null })).rejects.toBeInstanceOf(RetryLaterError);
    expect(fetcher.urls).toHaveLength(1);
  });

  it('calls a redirect to t.me/<name> "no_preview" when the channel exists, "not_found" when it does not', async () => {
    const hidden = fakeFetcher((url) => (url.includes('/s/') ? response(302, '', { location: '/kursk_watch' }) : response(200, renderChannelPage({ ...fake, noPreview: true }))));
    const err = await source(hidden).s.history(channel, { before: null, after: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect((err as ChannelUnavailableError).status).toBe('no_preview');

    const missing = fakeFetcher((url) => (url.includes('/s/') ? response(302, '', { location: '/kursk_watch' }) : response(200, renderMissingPage('kursk_watch'))));
    const err2 = await source(missing).s.history(channel, { before: null, after: null }).catch((e: unknown) => e);
    expect((err2 as ChannelUnavailableError).status).toBe('not_found');
  });

  it('takes the exact subscriber count from t.me/<name>, the abbreviated one from t.me/s when that is all there is', async () => {
    const exact = fakeFetcher(() => response(200, renderChannelPage(fake)));
    const a = await source(exact).s.snapshot(channel);
    expect(a).toMatchObject({ requests: 1, snapshot: { subscribers: 64_321, subscribersExact: true, title: 'Channel kursk_watch' } });

    const abbreviated = fakeFetcher(() => response(200, renderChannelPage({ ...fake, hideExactCount: true })));
    const b = await source(abbreviated).s.snapshot(channel);
    expect(b).toMatchObject({ requests: 1, snapshot: { subscribers: 64_300, subscribersExact: false } });

    // No count on t.me/<name> at all: the t.me/s header's.
    const none = fakeFetcher((url) => (url.includes('/s/') ? response(200, renderPreviewPage(fake, null)) : response(200, renderChannelPage(fake).replace(/64 321 subscribers/, ''))));
    const c = await source(none).s.snapshot(channel);
    expect(c).toMatchObject({ requests: 2, snapshot: { subscribers: 64_300, subscribersExact: false } });
  });

  it('rechecks recent posts page by page and reports the ids no page shows as gone', async () => {
    const shown = { ...fake, posts: fake.posts.filter((p) => p.id !== 130 && p.id !== 141) };
    const fetcher = fakeFetcher((url) => {
      const before = new URL(url).searchParams.get('before');
      return response(200, renderPreviewPage(shown, before ? Number(before) : null));
    });
    const result = await source(fetcher).s.recheck(channel, range(120, 145));
    expect(result.gone).toEqual([130, 141]);
    expect(result.requests).toBe(2);
    expect(fetcher.urls).toEqual([`${BASE}/s/kursk_watch?before=146`, `${BASE}/s/kursk_watch?before=124`]);
  });

  it('fails loudly on a page it does not understand rather than storing nothing', async () => {
    const fetcher = fakeFetcher(() => response(200, '<html><body>captcha</body></html>'));
    await expect(source(fetcher).s.history(channel, { before: null, after: null })).rejects.toThrow(/not a channel preview page/);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
