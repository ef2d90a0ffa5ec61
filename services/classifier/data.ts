// The classifier's data: frame cues, the topic gate, stance markers and
// shared word lists, as YAML files an analyst edits (config/frames/*.yaml,
// described in config/frames/README.md). This module reads and validates
// them; cues.ts compiles them. Reading happens once, when a classifier is
// built, never per post.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isFrameId, type FrameId } from './types.ts';

/** Where the shipped cue data lives. */
export const DEFAULT_FRAMES_DIR = fileURLToPath(new URL('../../config/frames/', import.meta.url));

export type CueLang = 'ru' | 'uk' | 'en' | 'any';
export const CUE_LANGS: readonly CueLang[] = ['ru', 'uk', 'en', 'any'];

/** One cue: a pattern string, or an object with options. */
export interface CueObject {
  /** An ordered pattern ("пушечн* мясо", "@dprk ... берсерк*"). */
  p?: string;
  /** Unordered: every pattern must match within `within`. */
  all?: string[];
  /** Weight in (0, 1]; combined per frame as 1 - Π(1 - w). */
  w?: number;
  /** Default gap (tokens allowed between consecutive words) for this cue. */
  gap?: number;
  /** false: the cue already contains its negation ("нет никаких корейцев"), so a negator before it does not cancel it. */
  neg?: boolean;
  /** 'ignore': stance rules (reporting, irony, quotes) do not weaken this cue. */
  stance?: 'apply' | 'ignore';
  /** For `all`: 'sentence' (default), 'post', or a window in tokens. */
  within?: 'sentence' | 'post' | number;
  /** A pattern that cancels the cue when it occurs in the same sentence ("дети" for "похищенные"). */
  unless?: string;
  /** Where `unless` looks: 'sentence' (default), the whole 'post', or 'before': right before the cue ("South" before "Korean"). */
  unlessWithin?: 'sentence' | 'post' | 'before';
  /** true: the cue counts only inside short quotation marks (scare quotes: «корейцы»). */
  quoted?: boolean;
  /** true: all the cue's words must stand in one clause (no comma, dash or colon between them). */
  clause?: boolean;
  note?: string;
}
export type CueSpec = string | CueObject;
export type CuesByLang = Partial<Record<CueLang, CueSpec[]>>;

export interface FrameSpec {
  frame: FrameId;
  label: string;
  description: string;
  threshold: number;
  weight: number;
  gap: number;
  cues: CuesByLang;
}

export interface TopicGroup {
  weight: number;
  cues: CuesByLang;
}
export interface TopicSpec {
  threshold: number;
  /** Added once when any frame cue matched: a post that speaks a frame's language about Koreans is about the troops. */
  frameCueWeight: number;
  /** Only frame cues at least this heavy count for the topic (a bare "treaty" does not). */
  frameCueMinWeight: number;
  /** Added when some frame scores at least strongFrameScore: unmistakable frame language
   * ("their bodies are burned so no one knows") is about the troops even without a word of Korea. */
  strongFrameWeight: number;
  strongFrameScore: number;
  groups: Record<string, TopicGroup>;
}

export type StanceMarkerKind = 'reporting' | 'refutation' | 'irony' | 'ironyPost' | 'distancing';
/** ironyPost: a closing remark that makes the whole post ironic ("Всё сходится 👌", "Sure."). */
export const STANCE_MARKER_KINDS: readonly StanceMarkerKind[] = ['reporting', 'refutation', 'irony', 'ironyPost', 'distancing'];

export interface StanceSpec {
  negation: {
    /** How many tokens before a cue word a negator reaches. */
    window: number;
    words: CuesByLang;
    /** Words that, right after a negator, undo it ("не только", "not only"). */
    breakers: CuesByLang;
  };
  markers: Record<StanceMarkerKind, CuesByLang>;
  /** Multipliers applied to a cue's weight. */
  factors: {
    negated: number;
    reported: number;
    quoted: number;
    scareQuoted: number;
    irony: number;
    distanced: number;
    refutedPost: number;
  };
  /** Tokens after a distancing word ("якобы") that it covers. */
  distancingWindow: number;
}

export interface FrameData {
  frames: FrameSpec[];
  lexicon: Record<string, CuesByLang>;
  topic: TopicSpec;
  stance: StanceSpec;
  /** sha256 (hex) of the canonicalized data: part of the classifier version. */
  hash: string;
}

export class FrameDataError extends Error {
  override name = 'FrameDataError';
}

/** Reads every *.yaml file of `dir` (sorted by name) and validates the whole. */
export function loadFrameData(dir: string = DEFAULT_FRAMES_DIR): FrameData {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (err) {
    throw new FrameDataError(`cannot read frame data directory ${dir}: ${(err as Error).message}`);
  }
  const files = names.map((name) => {
    const path = join(dir, name);
    try {
      return { name, content: parse(readFileSync(path, 'utf8')) as unknown };
    } catch (err) {
      throw new FrameDataError(`${path}: ${(err as Error).message.split('\n')[0]}`);
    }
  });
  return buildFrameData(files);
}

/** Validates parsed documents (one per file); `name` only labels error messages. */
export function buildFrameData(files: Array<{ name: string; content: unknown }>): FrameData {
  const problems: string[] = [];
  const frames: FrameSpec[] = [];
  const lexicon: Record<string, CuesByLang> = {};
  let topic: TopicSpec | null = null;
  let stance: StanceSpec | null = null;

  for (const { name, content } of files) {
    const where = (path: string) => `${name}${path ? `: ${path}` : ''}`;
    if (!isObject(content)) {
      problems.push(`${name}: expected a mapping at the top`);
      continue;
    }
    if ('frame' in content) {
      const spec = readFrame(content, where, problems);
      if (spec) {
        if (frames.some((f) => f.frame === spec.frame)) problems.push(where(`frame ${spec.frame} is defined twice`));
        frames.push(spec);
      }
    } else if ('lexicon' in content) {
      if (!isObject(content.lexicon)) {
        problems.push(where('lexicon must be a mapping of name → word lists'));
        continue;
      }
      for (const [key, value] of Object.entries(content.lexicon)) {
        if (!/^[a-z][a-z0-9_]*$/.test(key)) problems.push(where(`lexicon name "${key}" must be lowercase letters, digits and _`));
        if (key in lexicon) problems.push(where(`lexicon @${key} is defined twice`));
        const cues = readCuesByLang(value, where(`lexicon.${key}`), problems, true);
        if (cues) lexicon[key] = cues;
      }
    } else if ('topic' in content) {
      if (topic) problems.push(where('the topic gate is defined twice'));
      topic = readTopic(content.topic, where, problems);
    } else if ('stance' in content) {
      if (stance) problems.push(where('stance is defined twice'));
      stance = readStance(content.stance, where, problems);
    } else {
      problems.push(`${name}: expected one of the top-level keys frame, lexicon, topic, stance`);
    }
  }
  if (!topic) problems.push('no topic gate defined (a file with a top-level "topic:")');
  if (!stance) problems.push('no stance rules defined (a file with a top-level "stance:")');
  checkLexiconReferences(frames, lexicon, topic, stance, problems);
  if (problems.length > 0) throw new FrameDataError(`invalid frame data:\n  ${problems.join('\n  ')}`);
  frames.sort((a, b) => a.frame.localeCompare(b.frame));
  const canonical = canonicalJson({ frames, lexicon, topic, stance });
  const hash = createHash('sha256').update(canonical).digest('hex');
  return { frames, lexicon, topic: topic!, stance: stance!, hash };
}

function readFrame(c: Record<string, unknown>, where: (p: string) => string, problems: string[]): FrameSpec | null {
  if (!isFrameId(c.frame)) {
    problems.push(where(`frame must be one of the seven frame ids (got ${JSON.stringify(c.frame)})`));
    return null;
  }
  const threshold = num(c.threshold ?? 0.5, where('threshold'), problems, 0, 1);
  const weight = num(c.weight ?? 0.7, where('weight'), problems, 0, 1);
  const gap = num(c.gap ?? 1, where('gap'), problems, 0, 30);
  const cues = readCuesByLang(c.cues, where('cues'), problems, false);
  return {
    frame: c.frame,
    label: typeof c.label === 'string' ? c.label : c.frame,
    description: typeof c.description === 'string' ? c.description.trim() : '',
    threshold,
    weight,
    gap,
    cues: cues ?? {},
  };
}

function readTopic(c: unknown, where: (p: string) => string, problems: string[]): TopicSpec | null {
  if (!isObject(c) || !isObject(c.groups)) {
    problems.push(where('topic needs threshold and groups'));
    return null;
  }
  const groups: Record<string, TopicGroup> = {};
  for (const [key, value] of Object.entries(c.groups)) {
    if (!isObject(value)) {
      problems.push(where(`topic.groups.${key} must be a mapping with weight and cues`));
      continue;
    }
    const weight = num(value.weight, where(`topic.groups.${key}.weight`), problems, -10, 10);
    const cues = readCuesByLang(value.cues, where(`topic.groups.${key}.cues`), problems, false);
    groups[key] = { weight, cues: cues ?? {} };
  }
  return {
    threshold: num(c.threshold, where('topic.threshold'), problems, -10, 10),
    frameCueWeight: num(c.frameCueWeight ?? 0, where('topic.frameCueWeight'), problems, -10, 10),
    frameCueMinWeight: num(c.frameCueMinWeight ?? 0, where('topic.frameCueMinWeight'), problems, 0, 1),
    strongFrameWeight: num(c.strongFrameWeight ?? 0, where('topic.strongFrameWeight'), problems, -10, 10),
    strongFrameScore: num(c.strongFrameScore ?? 1, where('topic.strongFrameScore'), problems, 0, 1),
    groups,
  };
}

function readStance(c: unknown, where: (p: string) => string, problems: string[]): StanceSpec | null {
  if (!isObject(c) || !isObject(c.negation) || !isObject(c.markers) || !isObject(c.factors)) {
    problems.push(where('stance needs negation, markers and factors'));
    return null;
  }
  const markers = {} as Record<StanceMarkerKind, CuesByLang>;
  for (const kind of STANCE_MARKER_KINDS) {
    markers[kind] = readCuesByLang(c.markers[kind] ?? {}, where(`stance.markers.${kind}`), problems, false) ?? {};
  }
  for (const key of Object.keys(c.markers)) {
    if (!(STANCE_MARKER_KINDS as readonly string[]).includes(key)) problems.push(where(`stance.markers.${key} is not one of ${STANCE_MARKER_KINDS.join(', ')}`));
  }
  const f = c.factors;
  const factor = (key: string) => num(f[key], where(`stance.factors.${key}`), problems, 0, 1);
  return {
    negation: {
      window: num(c.negation.window ?? 3, where('stance.negation.window'), problems, 0, 10),
      words: readCuesByLang(c.negation.words, where('stance.negation.words'), problems, true) ?? {},
      breakers: readCuesByLang(c.negation.breakers ?? {}, where('stance.negation.breakers'), problems, true) ?? {},
    },
    markers,
    factors: {
      negated: factor('negated'),
      reported: factor('reported'),
      quoted: factor('quoted'),
      scareQuoted: f.scareQuoted === undefined ? factor('quoted') : factor('scareQuoted'),
      irony: factor('irony'),
      distanced: factor('distanced'),
      refutedPost: factor('refutedPost'),
    },
    distancingWindow: num(c.distancingWindow ?? 4, where('stance.distancingWindow'), problems, 0, 20),
  };
}

function readCuesByLang(value: unknown, where: string, problems: string[], wordsOnly: boolean): CuesByLang | null {
  if (!isObject(value)) {
    problems.push(`${where}: expected a mapping of language (ru, uk, en, any) → list`);
    return null;
  }
  const out: CuesByLang = {};
  for (const [lang, list] of Object.entries(value)) {
    if (!(CUE_LANGS as readonly string[]).includes(lang)) {
      problems.push(`${where}: unknown language "${lang}" (use ru, uk, en or any)`);
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(`${where}.${lang}: expected a list`);
      continue;
    }
    const cues: CueSpec[] = [];
    list.forEach((item, i) => {
      const at = `${where}.${lang}[${i}]`;
      if (typeof item === 'string' || typeof item === 'number') {
        const text = String(item).trim();
        if (text === '') problems.push(`${at}: empty cue`);
        else cues.push(text);
        return;
      }
      if (wordsOnly || !isObject(item)) {
        problems.push(`${at}: expected ${wordsOnly ? 'a word or phrase' : 'a pattern string or {p: ..., w: ...}'}`);
        return;
      }
      const known = ['p', 'all', 'w', 'gap', 'neg', 'stance', 'within', 'unless', 'unlessWithin', 'quoted', 'clause', 'note'];
      for (const key of Object.keys(item)) if (!known.includes(key)) problems.push(`${at}: unknown option "${key}" (known: ${known.join(', ')})`);
      const cue: CueObject = {};
      if (typeof item.p === 'string') cue.p = item.p.trim();
      if (Array.isArray(item.all) && item.all.every((x) => typeof x === 'string') && item.all.length >= 2) cue.all = item.all as string[];
      if ((cue.p === undefined) === (cue.all === undefined)) problems.push(`${at}: give either p (a pattern) or all (two or more patterns)`);
      if (item.w !== undefined) cue.w = num(item.w, `${at}.w`, problems, 0, 1);
      if (item.gap !== undefined) cue.gap = num(item.gap, `${at}.gap`, problems, 0, 30);
      if (item.neg !== undefined) {
        if (typeof item.neg !== 'boolean') problems.push(`${at}.neg: expected true or false`);
        else cue.neg = item.neg;
      }
      if (item.stance !== undefined) {
        if (item.stance !== 'apply' && item.stance !== 'ignore') problems.push(`${at}.stance: expected apply or ignore`);
        else cue.stance = item.stance;
      }
      if (item.within !== undefined) {
        if (item.within === 'sentence' || item.within === 'post') cue.within = item.within;
        else cue.within = num(item.within, `${at}.within`, problems, 1, 200);
      }
      if (item.unless !== undefined) {
        if (typeof item.unless !== 'string' || item.unless.trim() === '') problems.push(`${at}.unless: expected a pattern string`);
        else cue.unless = item.unless.trim();
      }
      if (item.unlessWithin !== undefined) {
        if (item.unlessWithin !== 'sentence' && item.unlessWithin !== 'post' && item.unlessWithin !== 'before') problems.push(`${at}.unlessWithin: expected sentence, post or before`);
        else cue.unlessWithin = item.unlessWithin;
      }
      if (item.clause !== undefined) {
        if (typeof item.clause !== 'boolean') problems.push(`${at}.clause: expected true or false`);
        else cue.clause = item.clause;
      }
      if (item.quoted !== undefined) {
        if (typeof item.quoted !== 'boolean') problems.push(`${at}.quoted: expected true or false`);
        else cue.quoted = item.quoted;
      }
      if (typeof item.note === 'string') cue.note = item.note;
      cues.push(cue);
    });
    out[lang as CueLang] = cues;
  }
  return out;
}

const LEXICON_REF = /@([a-z][a-z0-9_]*)/g;

function checkLexiconReferences(frames: FrameSpec[], lexicon: Record<string, CuesByLang>, topic: TopicSpec | null, stance: StanceSpec | null, problems: string[]): void {
  const check = (cues: CuesByLang, where: string) => {
    for (const [lang, list] of Object.entries(cues)) {
      list?.forEach((cue, i) => {
        const texts = typeof cue === 'string' ? [cue] : [...(cue.p ? [cue.p] : []), ...(cue.all ?? []), ...(cue.unless ? [cue.unless] : [])];
        for (const text of texts) {
          for (const m of text.matchAll(LEXICON_REF)) {
            if (!(m[1]! in lexicon)) problems.push(`${where}.${lang}[${i}]: unknown lexicon @${m[1]}`);
          }
        }
      });
    }
  };
  for (const f of frames) check(f.cues, `frame ${f.frame}`);
  for (const [name, cues] of Object.entries(lexicon)) check(cues, `lexicon.${name}`);
  if (topic) for (const [name, g] of Object.entries(topic.groups)) check(g.cues, `topic.groups.${name}`);
  if (stance) for (const kind of STANCE_MARKER_KINDS) check(stance.markers[kind], `stance.markers.${kind}`);
}

function num(value: unknown, where: string, problems: string[], min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    problems.push(`${where}: expected a number in [${min}, ${max}] (got ${JSON.stringify(value)})`);
    return min;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys: the same data always hashes the same, whatever the YAML layout. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
