// A local stand-in for t.me: serves t.me/s/<name> history pages (with
// ?before=), t.me/<name> channel pages, redirects for channels without a
// preview, and on request 429s or slow answers. TG_WEB_BASE_URL points at it:
// the demo collects its live sample channels from it (there is no network
// here), and the collection tests use it as Telegram.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderChannelPage, renderMissingPage, renderPreviewPage, type FakeChannel } from './tme-pages.ts';

export interface TmeServer {
  url: string;
  channels: Map<string, FakeChannel>;
  /** Paths requested, in order. */
  requests: string[];
  /** Milliseconds each t.me/s answer waits (a slow Telegram). */
  delayMs: number;
  /** The next n requests answer 429 with this Retry-After. */
  throttle(n: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

export async function startTmeServer(channels: FakeChannel[] = []): Promise<TmeServer> {
  const state = {
    channels: new Map(channels.map((c) => [c.username, c])),
    requests: [] as string[],
    delayMs: 0,
    throttled: 0,
    retryAfter: 1,
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    state.requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(body);
    };
    if (state.throttled > 0) {
      state.throttled--;
      return send(429, 'Too Many Requests', { 'retry-after': String(state.retryAfter) });
    }
    const preview = /^\/s\/([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    const page = /^\/([A-Za-z0-9_]+)\/?$/.exec(url.pathname);
    const name = (preview?.[1] ?? page?.[1] ?? '').toLowerCase();
    const channel = state.channels.get(name);
    if (preview) {
      // Telegram sends both missing names and channels without a preview to t.me/<name>.
      if (!channel || channel.noPreview) return send(302, '', { location: `/${name}` });
      const before = url.searchParams.get('before');
      const body = renderPreviewPage(channel, before === null ? null : Number(before));
      if (state.delayMs > 0) {
        setTimeout(() => send(200, body), state.delayMs);
        return;
      }
      return send(200, body);
    }
    if (page) return send(200, channel ? renderChannelPage(channel) : renderMissingPage(name));
    send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    channels: state.channels,
    requests: state.requests,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    throttle(n, retryAfterSeconds) {
      state.throttled = n;
      state.retryAfter = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
