// API keys on every /v1 route: `Authorization: Bearer <key>`, 401 without a
// valid key, 403 when the route needs admin (writes: `config: { scope: 'admin' }`)
// and the key is read-only. Then a rate limit per key.
//
// The rate limit counts in Redis when the container gives it a store (the
// default: every API process then counts against one limit per key), in
// process memory otherwise. When Redis cannot count, the request passes.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator, Caller } from '../keys/authenticator.ts';
import { bearerToken, scopeAllows, type Scope } from '../keys/keys.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; read when absent. */
    scope?: Scope;
  }
}

export interface AuthOptions {
  authenticator: Authenticator;
  rateLimitPerMinute: number;
  /** Shared counters (services/queue/rate-limit-redis.ts); null: this process's memory. */
  rateLimitStore: { client: unknown; namespace: string } | null;
}

/** Registers authentication and the per-key rate limit on the routes registered after it in `app`'s context. */
export async function protectRoutes(app: FastifyInstance, options: AuthOptions): Promise<void> {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const token = bearerToken(header);
    if (token === null) {
      throw new ApiError(401, 'unauthorized', header === undefined ? 'an API key is required: Authorization: Bearer <key>' : 'the Authorization header must be "Bearer <key>"');
    }
    const caller = await options.authenticator.authenticate(token);
    if (caller === null) throw new ApiError(401, 'unauthorized', 'unknown or revoked API key');
    request.caller = caller;
    const needed = request.routeOptions.config.scope ?? 'read';
    if (!scopeAllows(caller.scope, needed)) {
      throw new ApiError(403, 'forbidden', `this route needs an ${needed} key; the key "${caller.name}" has scope ${caller.scope}`);
    }
  });
  // Route-level onRequest hooks run after the hook above, so the caller is known.
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    hook: 'onRequest',
    ...(options.rateLimitStore ? { redis: options.rateLimitStore.client, nameSpace: options.rateLimitStore.namespace, skipOnError: true } : {}),
    keyGenerator: (request) => request.caller?.id ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `rate limit of ${context.max} requests per minute for this key exceeded; retry in ${context.after}`),
  });
}
