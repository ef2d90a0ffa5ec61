// The logger: pino, writing JSON to stderr (stdout belongs to command output,
// e.g. `framewatch classify` JSON lines). Pretty-printed on a terminal.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/env.ts';

export type { Logger };

export function createLogger(level: LogLevel, options: { pretty?: boolean; name?: string } = {}): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY;
  return pino({
    level,
    name: options.name ?? 'framewatch',
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  }, pretty ? undefined : pino.destination({ dest: 2, sync: true }));
}
