// The one adapter that makes webhook HTTP calls. The rest of the alerts code
// sees WebhookTransport and plain outcomes; tests pass a fake or a local server.

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came back: a status, or no response at all (refused, DNS, timeout). */
export type WebhookOutcome =
  | { ok: boolean; statusCode: number; error: null; durationMs: number }
  | { ok: false; statusCode: null; error: string; durationMs: number };

export interface WebhookTransport {
  post(request: WebhookRequest): Promise<WebhookOutcome>;
}

/** fetch with a timeout; redirects are not followed (a 3xx is an answer, not a success). */
export function createFetchTransport(options: { timeoutMs: number }): WebhookTransport {
  return {
    async post({ url, headers, body }) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'framewatch-webhooks/1', ...headers },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        // Read (and drop) the body so the connection is released.
        await res.arrayBuffer().catch(() => undefined);
        return { ok: res.status >= 200 && res.status < 300, statusCode: res.status, error: null, durationMs: elapsed() };
      } catch (err) {
        return { ok: false, statusCode: null, error: describeFetchError(err, options.timeoutMs), durationMs: elapsed() };
      }
    },
  };
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no response within ${timeoutMs} ms`;
  const cause = e.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? e.message}`;
  return e.message || String(err);
}
