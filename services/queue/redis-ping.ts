// The smallest Redis adapter: one connection, opened on first use, that
// answers "is Redis there?" for GET /ready. The queue module (BullMQ) owns
// every other use of Redis.
//
// enableOfflineQueue false and no reconnect loop: a PING while Redis is down
// fails at once instead of waiting in a queue, and the next check simply
// opens a fresh connection.
import { Redis } from 'ioredis';

export interface RedisPing {
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createRedisPing(url: string, options: { connectTimeoutMs?: number } = {}): RedisPing {
  let client: Redis | null = null;
  let connecting: Promise<Redis> | null = null;

  const open = (): Promise<Redis> => {
    if (client && client.status === 'ready') return Promise.resolve(client);
    connecting ??= (async () => {
      client?.disconnect();
      const fresh = new Redis(url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        connectTimeout: options.connectTimeoutMs ?? 1000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      // Failures surface through connect()/ping(); without a listener ioredis would log them.
      let cause: unknown = null;
      fresh.on('error', (err: unknown) => {
        cause ??= err;
      });
      client = fresh;
      try {
        await fresh.connect();
        return fresh;
      } catch (err) {
        fresh.disconnect();
        // connect() only says "Connection is closed."; the error event says why.
        throw cause ?? err;
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    async ping() {
      const redis = await open();
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
    },
    async close() {
      const current = client;
      client = null;
      if (current && current.status === 'ready') await current.quit().catch(() => current.disconnect());
      else current?.disconnect();
    },
  };
}
