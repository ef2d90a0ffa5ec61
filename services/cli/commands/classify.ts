// `framewatch classify`: JSON lines {"id","text"} on stdin, JSON lines
// {"id","lang","onTopic","frames":[{"frame","score","evidence":[{"start","end","text"}]}]}
// on stdout, one per input line, in input order. Needs no database.
//
// A bad input line (not JSON, not an object, no string "text", no string or
// number "id") does not stop the stream: it gets one line on stderr naming
// its line number and the reason, no output line, and the command exits 1
// at the end (0 when every line was classified). Blank lines are skipped.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Classifier } from '../../classifier/index.ts';
import type { Command } from '../command.ts';

export interface ClassifyStreamResult {
  classified: number;
  rejected: number;
}

/** Parses one input line; returns the post or the reason it is refused. */
export function parseInputLine(line: string): { id: string | number; text: string } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { error: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object {"id","text"}' };
  const { id, text } = value as { id?: unknown; text?: unknown };
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) return { error: '"id" must be a string or a number' };
  if (typeof text !== 'string') return { error: '"text" must be a string' };
  return { id, text };
}

async function write(stream: Writable, chunk: string): Promise<void> {
  // Respect backpressure: a slow consumer must not make us buffer the whole input.
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Classifies a stream of JSON lines; reports bad lines on `errors` and carries on. */
export async function classifyStream(
  classifier: Classifier,
  input: NodeJS.ReadableStream,
  output: Writable,
  errors: Writable,
  signal?: AbortSignal,
): Promise<ClassifyStreamResult> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let classified = 0;
  let rejected = 0;
  for await (const raw of lines) {
    lineNo++;
    if (signal?.aborted) break;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    const parsed = parseInputLine(line);
    if ('error' in parsed) {
      rejected++;
      errors.write(`framewatch classify: line ${lineNo}: ${parsed.error}\n`);
      continue;
    }
    const c = classifier.classify(parsed.text);
    const out = {
      id: parsed.id,
      lang: c.lang,
      onTopic: c.onTopic,
      frames: c.frames.map((f) => ({
        frame: f.frame,
        score: f.score,
        evidence: f.evidence.map((e) => ({ start: e.start, end: e.end, text: e.text })),
      })),
    };
    await write(output, `${JSON.stringify(out)}\n`);
    classified++;
  }
  return { classified, rejected };
}

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'tags JSON lines {"id","text"} from stdin with frames, to stdout (no database needed)',
  usage: 'classify [--classifier-version]',
  options: { 'classifier-version': { type: 'boolean' } },
  async run({ io, container, stopSignal }, args) {
    const classifier = container.classifier;
    if (args.values['classifier-version']) {
      io.stdout.write(`${classifier.version}\n`);
      return 0;
    }
    const { classified, rejected } = await classifyStream(classifier, io.stdin, io.stdout, io.stderr, stopSignal);
    if (rejected > 0) {
      io.stderr.write(`framewatch classify: ${rejected} of ${classified + rejected} lines rejected\n`);
      return 1;
    }
    return 0;
  },
};
