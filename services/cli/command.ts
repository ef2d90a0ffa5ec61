// What a CLI command is, and the small helpers commands share.
import type { ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { ChannelRefError, parseChannelRef } from '../channels/ref.ts';
import type { Container } from '../container.ts';

/** Exit 2: the command line itself is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: Readonly<Record<string, string | undefined>>;
  /** Where the process was started (for relative paths). */
  cwd: string;
}

export interface CommandContext {
  io: CliIo;
  /** Built on first access, from the validated configuration. */
  readonly container: Container;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM); long-running commands wait on it. */
  readonly stopSignal: AbortSignal;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

export interface Command {
  /** One or two words: "migrate", "channels add". */
  name: string;
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** The command runs beside other processes that collect (the worker): pace requests together through Redis. */
  sharedPacing?: boolean;
  /** Exact count or [min, max] of positional arguments. */
  positionals?: number | [number, number];
  /** When set, the command is not built yet: it says so and exits 2. */
  plannedIn?: string;
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void>;
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** A command that belongs to a later issue: registered so `help` lists it, refused with exit 2. */
export function planned(name: string, summary: string, usage: string, issue: string): Command {
  return {
    name,
    summary,
    usage,
    plannedIn: issue,
    positionals: [0, Infinity] as unknown as [number, number],
    options: {},
    async run() {
      throw new UsageError(`"${name}" is not built yet (${issue})`);
    },
  };
}

/** A channel given on the command line (@name or t.me link) as a username; a bad one is a usage error. */
export function channelArgument(value: string): string {
  try {
    return parseChannelRef(value);
  } catch (err) {
    if (err instanceof ChannelRefError) throw new UsageError(err.message);
    throw err;
  }
}
