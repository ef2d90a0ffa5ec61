// The web preview's network edge: one GET, no redirect following (a redirect
// from t.me/s/<name> is an answer: the channel has no public preview), a
// timeout. Tests pass a fake HttpFetcher or point the real one at a local server.

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  header(name: string): string | null;
  body: string;
}

export interface HttpFetcher {
  get(url: string, signal?: AbortSignal): Promise<HttpResponse>;
}

export interface FetcherOptions {
  timeoutMs?: number;
  userAgent?: string;
}

export function createHttpFetcher(options: FetcherOptions = {}): HttpFetcher {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    async get(url, signal) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, {
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: {
          'user-agent': options.userAgent ?? 'framewatch/0.1 (+research; public channel monitoring)',
          'accept-language': 'en',
          accept: 'text/html',
        },
      });
      const body = await response.text();
      return { status: response.status, header: (name) => response.headers.get(name), body };
    },
  };
}
