// The analyst API: a Fastify app assembled from the container's pieces.
// Open routes (/health, /ready, /metrics, /docs) at the root; everything
// under /v1 behind API keys and the per-key rate limit. Request and response
// schemas are TypeBox; the OpenAPI document (/docs/json) is generated from them.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../../config/env.ts';
import type { Db } from '../db/db.ts';
import type { Authenticator } from '../keys/authenticator.ts';
import type { Logger } from '../log.ts';
import type { QueueStats, ReadinessCheck } from '../monitoring/ports.ts';
import type { DigestService } from '../digest/service.ts';
import type { TrendsService } from '../trends/service.ts';
import { protectRoutes } from './auth.ts';
import { ApiError, installErrorHandling } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { channelRoutes } from './routes/channels.ts';
import { digestRoutes } from './routes/digests.ts';
import { eventRoutes } from './routes/events.ts';
import { frameRoutes } from './routes/frames.ts';
import { graphRoutes } from './routes/graph.ts';
import { healthRoutes } from './routes/health.ts';
import { postRoutes } from './routes/posts.ts';
import { trendRoutes } from './routes/trends.ts';
import { webhookRoutes } from './routes/webhooks.ts';

/** What the API needs; the container provides it. */
export interface ApiDependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Db;
  readonly readinessChecks: readonly ReadinessCheck[];
  readonly queueStats: QueueStats | null;
  readonly trends: TrendsService;
  readonly authenticator: Authenticator;
  readonly digests: DigestService;
  /** Where the per-key request counts live; null: this process's memory. */
  readonly rateLimitStore: { client: unknown; namespace: string } | null;
}

/** Largest request body: ours are small JSON documents. */
const BODY_LIMIT = 256 * 1024;

export async function buildApp(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default logger type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Our own 503 in the error shape (below) instead of Fastify's fixed body.
    return503OnClosing: false,
    ajv: {
      customOptions: {
        // Unknown parameters are refused (a typo must not silently widen a query),
        // and errors carry the offending value so the message can show it.
        removeAdditional: false,
        verbose: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandling(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      reply.header('Connection', 'close');
      throw new ApiError(503, 'shutting_down', 'the server is shutting down; retry on another instance');
    }
  });

  const metrics = createMetrics({
    db: deps.db,
    queueStats: deps.queueStats,
    onCollectError: (source, err) => deps.logger.warn({ err, source }, 'metrics source failed'),
  });
  metrics.install(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'framewatch analyst API',
        version: '1',
        description: 'Narrative frames about DPRK troops in Russia\'s war against Ukraine, in public Telegram channels: trends by audience, comparisons, events, posts. See docs/api.md.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key: fw_...' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { readinessChecks: deps.readinessChecks, metrics });
  await app.register(
    async (v1) => {
      await protectRoutes(v1, { authenticator: deps.authenticator, rateLimitPerMinute: deps.config.api.rateLimitPerMinute, rateLimitStore: deps.rateLimitStore });
      await v1.register(frameRoutes);
      await v1.register(channelRoutes, { db: deps.db, trends: deps.trends });
      await v1.register(postRoutes, { db: deps.db });
      await v1.register(trendRoutes, { trends: deps.trends, db: deps.db });
      await v1.register(eventRoutes, { trends: deps.trends, db: deps.db });
      await v1.register(graphRoutes, { db: deps.db });
      await v1.register(webhookRoutes, { db: deps.db });
      await v1.register(digestRoutes, { db: deps.db, digests: deps.digests });
    },
    { prefix: '/v1' },
  );
  return app;
}
