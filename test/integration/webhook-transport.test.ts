// The fetch adapter against a local server: timeouts, statuses, redirects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../services/alerts/transport.ts';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
    if (req.url === '/gone') return void res.writeHead(410).end();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the webhook HTTP adapter', () => {
  const transport = createFetchTransport({ timeoutMs: 150 });
  const request = (path: string) => ({ url: `${base}${path}`, headers: { 'X-Framewatch-Event': 'post.framed' }, body: '{}' });

  it('a 2xx is accepted, with its status and duration', async () => {
    const out = await transport.post(request('/ok'));
    expect(out).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(out.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('another status is an answer, not a success', async () => {
    expect(await transport.post(request('/gone'))).toMatchObject({ ok: false, statusCode: 410, error: null });
  });

  it('redirects are not followed', async () => {
    expect(await transport.post(request('/redirect'))).toMatchObject({ ok: false, statusCode: 302 });
  });

  it('no answer within the timeout is an error naming the timeout', async () => {
    const out = await transport.post(request('/hang'));
    expect(out).toMatchObject({ ok: false, statusCode: null, error: 'no response within 150 ms' });
    expect(out.durationMs).toBeGreaterThanOrEqual(140);
    expect(out.durationMs).toBeLessThan(2000);
  });
});
