// Open operational routes: liveness, readiness (every dependency answers),
// Prometheus metrics. No key: load balancers and scrapers call them.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ReadinessCheck } from '../../monitoring/ports.ts';
import type { Metrics } from '../metrics.ts';
import { runReadinessChecks } from '../../monitoring/readiness.ts';

const Checks = Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), ms: Type.Number(), error: Type.Optional(Type.String()) }));

export const READY_TIMEOUT_MS = 2000;

export const healthRoutes: FastifyPluginAsyncTypebox<{ readinessChecks: readonly ReadinessCheck[]; metrics: Metrics }> = async (app, opts) => {
  app.get('/health', {
    logLevel: 'warn',
    schema: {
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/ready', {
    logLevel: 'warn',
    schema: {
      tags: ['operations'],
      summary: 'Readiness: PostgreSQL and Redis answer (503 naming what does not)',
      response: {
        200: Type.Object({ status: Type.Literal('ready'), checks: Checks }),
        503: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }), checks: Checks }),
      },
    },
  }, async (_request, reply) => {
    const result = await runReadinessChecks(opts.readinessChecks, READY_TIMEOUT_MS);
    if (result.ready) return { status: 'ready' as const, checks: result.checks };
    const failing = Object.entries(result.checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.error}`);
    return reply.code(503).header('Retry-After', '5').send({
      error: { code: 'not_ready', message: `not ready: ${failing.join('; ')}` },
      checks: result.checks,
    });
  });

  app.get('/metrics', {
    logLevel: 'warn',
    schema: { tags: ['operations'], summary: 'Prometheus metrics', response: { 200: Type.String() } },
  }, async (_request, reply) => {
    const body = await opts.metrics.scrape();
    return reply.type(opts.metrics.registry.contentType).send(body);
  });
};
