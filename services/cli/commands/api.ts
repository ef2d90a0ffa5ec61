import type { Command } from '../command.ts';

export const apiCommand: Command = {
  name: 'api',
  summary: 'runs the HTTP API (HOST, PORT); SIGINT/SIGTERM finish in-flight requests, then exit',
  usage: 'api',
  async run({ io, container, stopSignal }) {
    // Loaded here, not at the top: Fastify and its plugins take half a second
    // to import, which every other command would pay for nothing.
    const { buildApp } = await import('../../api/app.ts');
    const { serveUntilStopped } = await import('../../api/server.ts');
    const { host, port } = container.config;
    const app = await buildApp(container);
    const address = await app.listen({ host, port });
    io.stdout.write(`framewatch API listening on ${address} (OpenAPI UI at ${address}/docs)\n`);
    return serveUntilStopped(app, container, stopSignal, container.logger);
  },
};
