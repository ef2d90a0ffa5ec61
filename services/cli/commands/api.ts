import { buildApp } from '../../api/app.ts';
import { serveUntilStopped } from '../../api/server.ts';
import type { Command } from '../command.ts';

export const apiCommand: Command = {
  name: 'api',
  summary: 'runs the HTTP API (HOST, PORT); SIGINT/SIGTERM finish in-flight requests, then exit',
  usage: 'api',
  async run({ io, container, stopSignal }) {
    const { host, port } = container.config;
    const app = await buildApp(container);
    const address = await app.listen({ host, port });
    io.stdout.write(`framewatch API listening on ${address} (OpenAPI UI at ${address}/docs)\n`);
    return serveUntilStopped(app, container, stopSignal, container.logger);
  },
};
