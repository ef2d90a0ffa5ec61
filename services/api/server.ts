// Running the API as a process: listen, then on stop drain in-flight
// requests and release the container. close-with-grace bounds the drain (a
// stuck request cannot keep the process alive past GRACE_MS) and also closes
// cleanly on an uncaught error. SIGINT/SIGTERM arrive through the CLI's
// stopSignal, so they are not handled twice here.
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';

export const GRACE_MS = 10_000;

export interface Closable {
  close(): Promise<void>;
}

/** Never resolves: close-with-grace exits the process once closed (0, or 1 after an error or the timeout). */
export function serveUntilStopped(app: FastifyInstance, resources: Closable, stopSignal: AbortSignal, logger: Logger): Promise<never> {
  const grace = closeWithGrace(
    {
      delay: GRACE_MS,
      skip: ['SIGINT', 'SIGTERM'],
      logger: { error: (message: unknown) => logger.error(message instanceof Error ? { err: message } : { message }, 'shutdown problem') },
    },
    async ({ err }) => {
      if (err) logger.error({ err }, 'uncaught error: closing the API');
      else logger.info('stopping: finishing in-flight requests');
      await app.close();
      await resources.close();
    },
  );
  if (stopSignal.aborted) grace.close();
  else stopSignal.addEventListener('abort', () => grace.close(), { once: true });
  return new Promise<never>(() => {});
}
