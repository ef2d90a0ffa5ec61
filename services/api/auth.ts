// API keys on every /v1 route: `Authorization: Bearer <key>`, 401 without a
// valid key, 403 when the route needs admin (writes: `config: { scope: 'admin' }`)
// and the key is read-only. Then a rate limit per key.
//
// The rate limit counts in process memory (@fastify/rate-limit's local
// store): each API process allows API_RATE_LIMIT requests per minute per
// key, so N processes behind a balancer allow up to N times that. Share the
// count through Redis (the plugin's `redis` option) when running several.
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
    keyGenerator: (request) => request.caller?.id ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `rate limit of ${context.max} requests per minute for this key exceeded; retry in ${context.after}`),
  });
}
