// The `framewatch` command line: finds the command, parses its arguments,
// loads the configuration, runs it, and maps failures to exit codes
// (0 success, 1 failure with a one-line reason on stderr, 2 usage error).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/env.ts';
import { createContainer, type Container } from '../container.ts';
import { UsageError, type CliIo, type Command, type CommandContext } from './command.ts';
import { COMMANDS } from './commands/index.ts';

function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  const two = argv.slice(0, 2).join(' ');
  const byTwo = COMMANDS.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, rest: argv.slice(2) };
  const byOne = COMMANDS.find((c) => c.name === argv[0]);
  return byOne ? { command: byOne, rest: argv.slice(1) } : null;
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}${c.plannedIn ? ` (not built yet: ${c.plannedIn})` : ''}`);
  return `usage: framewatch <command>\n\n${lines.join('\n')}\n\nConfiguration comes from the environment (and .env); see .env.example.\n`;
}

function parse(command: Command, rest: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' }, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\nusage: framewatch ${command.usage}`);
  }
  const expected = command.positionals ?? 0;
  const [min, max] = typeof expected === 'number' ? [expected, expected] : expected;
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(`wrong number of arguments\nusage: framewatch ${command.usage}`);
  }
  return parsed;
}

function loadEnvFile(io: CliIo): Readonly<Record<string, string | undefined>> {
  const path = join(io.cwd, '.env');
  if (io.env !== process.env || !existsSync(path)) return io.env;
  // Values already in the environment win over .env (as with node --env-file).
  process.loadEnvFile(path);
  return process.env;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const say = (stream: 'stdout' | 'stderr', text: string) => io[stream].write(text.endsWith('\n') ? text : `${text}\n`);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    say(argv.length === 0 ? 'stderr' : 'stdout', helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    say('stderr', `framewatch: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${helpText()}`);
    return 2;
  }
  const { command, rest } = found;
  if (command.plannedIn) {
    say('stderr', `framewatch: "${command.name}" is not built yet (${command.plannedIn})`);
    return 2;
  }

  let container: Container | null = null;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const args = parse(command, rest);
    if (args.values.help) {
      say('stdout', `usage: framewatch ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    const config = loadConfig(loadEnvFile(io));
    const ctx: CommandContext = {
      io,
      stopSignal: stop.signal,
      get container() {
        container ??= createContainer(config, { sharedPacing: command.sharedPacing ?? false });
        return container;
      },
    };
    return (await command.run(ctx, args)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      say('stderr', `framewatch ${command.name}: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      say('stderr', `framewatch: ${err.message}`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    say('stderr', `framewatch ${command.name}: ${describeConnectionError(err) ?? message.split('\n')[0]}`);
    if (io.env.FRAMEWATCH_DEBUG) say('stderr', String((err as Error).stack));
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await (container as Container | null)?.close();
  }
}

/** Turns "connect ECONNREFUSED" into something an operator can act on. */
function describeConnectionError(err: unknown): string | null {
  const code = (err as { code?: string })?.code;
  const address = (err as { address?: string; port?: number })?.address;
  const port = (err as { port?: number })?.port;
  if (code === 'ECONNREFUSED') return `cannot connect to ${address ?? 'a service'}:${port ?? '?'} (is PostgreSQL/Redis running? check DATABASE_URL and REDIS_URL)`;
  if (code === '3D000') return `${(err as Error).message}; run "framewatch migrate" first`;
  if (code === '42P01') return `${(err as Error).message}; run "framewatch migrate" first`;
  return null;
}

function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
