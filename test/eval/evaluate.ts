// Evaluation of the classifier against the labeled sets in test/eval/data:
// per-frame and per-language precision/recall/F1, macro-F1 over the seven
// frames, topic-gate F1, and how often frames are invented on posts that are
// on topic but carry none. Used by `npm run eval` and by the CI floor test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAME_IDS, isFrameId, type Classifier, type FrameId } from '../../services/classifier/index.ts';

export const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));

export interface LabeledPost {
  id: string;
  lang: string;
  text: string;
  onTopic: boolean;
  frames: FrameId[];
  tags: string[];
  /** Where it came from, for error messages. */
  source: string;
}

/** Reads JSON Lines files: a file, or every *.jsonl under a directory (sorted). */
export function loadLabeled(path: string): LabeledPost[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((n) => n.endsWith('.jsonl')).sort().map((n) => join(path, n))
    : [path];
  const posts: LabeledPost[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${basename(file)}:${i + 1}`;
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      const frames = Array.isArray(raw.frames) ? raw.frames : [];
      const bad = frames.filter((f) => !isFrameId(f));
      if (typeof raw.text !== 'string' || typeof raw.onTopic !== 'boolean' || bad.length > 0) {
        throw new Error(`${where}: expected {"id","lang","text","onTopic","frames"} with known frame ids${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}`);
      }
      posts.push({
        id: String(raw.id ?? where),
        lang: typeof raw.lang === 'string' ? raw.lang : basename(file, '.jsonl'),
        text: raw.text,
        onTopic: raw.onTopic,
        frames: frames as FrameId[],
        tags: Array.isArray(raw.tags) ? (raw.tags as string[]) : [],
        source: where,
      });
    });
  }
  return posts;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
export interface Prf extends Counts {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? (c.fn === 0 ? 1 : 0) : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1, support: c.tp + c.fn };
}

export interface Prediction {
  post: LabeledPost;
  lang: string;
  onTopic: boolean;
  frames: FrameId[];
}

export interface Report {
  posts: number;
  frames: Record<FrameId, Prf>;
  /** Micro-averaged frame P/R/F1 per language, and that language's macro-F1. */
  languages: Record<string, { posts: number; micro: Prf; macroF1: number; topic: Prf; langAccuracy: number }>;
  macroF1: number;
  microF1: number;
  topic: Prf;
  /** Share of on-topic, frameless (gold) posts that got at least one frame. */
  inventedRate: number;
  inventedPosts: number;
  framelessOnTopic: number;
  langAccuracy: number;
  predictions: Prediction[];
}

export function evaluate(classifier: Classifier, posts: LabeledPost[]): Report {
  const predictions: Prediction[] = posts.map((post) => {
    const c = classifier.classify(post.text);
    return { post, lang: c.lang, onTopic: c.onTopic, frames: c.frames.map((f) => f.frame) };
  });
  return score(predictions);
}

export function score(predictions: Prediction[]): Report {
  const frameCounts = Object.fromEntries(FRAME_IDS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<FrameId, Counts>;
  const topic: Counts = { tp: 0, fp: 0, fn: 0 };
  const byLang = new Map<string, { posts: number; frames: Record<FrameId, Counts>; topic: Counts; langOk: number }>();
  let framelessOnTopic = 0;
  let invented = 0;
  let langOk = 0;
  for (const p of predictions) {
    const gold = new Set(p.post.frames);
    const got = new Set(p.frames);
    let lang = byLang.get(p.post.lang);
    if (!lang) {
      lang = { posts: 0, frames: Object.fromEntries(FRAME_IDS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<FrameId, Counts>, topic: { tp: 0, fp: 0, fn: 0 }, langOk: 0 };
      byLang.set(p.post.lang, lang);
    }
    lang.posts++;
    if (p.lang === p.post.lang) {
      langOk++;
      lang.langOk++;
    }
    for (const f of FRAME_IDS) {
      const key = gold.has(f) ? (got.has(f) ? 'tp' : 'fn') : got.has(f) ? 'fp' : null;
      if (key) {
        frameCounts[f][key]++;
        lang.frames[f][key]++;
      }
    }
    const tkey = p.post.onTopic ? (p.onTopic ? 'tp' : 'fn') : p.onTopic ? 'fp' : null;
    if (tkey) {
      topic[tkey]++;
      lang.topic[tkey]++;
    }
    if (p.post.onTopic && gold.size === 0) {
      framelessOnTopic++;
      if (got.size > 0) invented++;
    }
  }
  const frames = Object.fromEntries(FRAME_IDS.map((f) => [f, prf(frameCounts[f])])) as Record<FrameId, Prf>;
  const sum = (cs: Counts[]) => cs.reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  const languages: Report['languages'] = {};
  for (const [name, l] of [...byLang].sort(([a], [b]) => a.localeCompare(b))) {
    const perFrame = FRAME_IDS.map((f) => prf(l.frames[f]));
    languages[name] = {
      posts: l.posts,
      micro: prf(sum(FRAME_IDS.map((f) => l.frames[f]))),
      macroF1: perFrame.reduce((a, p) => a + p.f1, 0) / FRAME_IDS.length,
      topic: prf(l.topic),
      langAccuracy: l.posts === 0 ? 1 : l.langOk / l.posts,
    };
  }
  return {
    posts: predictions.length,
    frames,
    languages,
    macroF1: FRAME_IDS.reduce((a, f) => a + frames[f].f1, 0) / FRAME_IDS.length,
    microF1: prf(sum(FRAME_IDS.map((f) => frameCounts[f]))).f1,
    topic: prf(topic),
    inventedRate: framelessOnTopic === 0 ? 0 : invented / framelessOnTopic,
    inventedPosts: invented,
    framelessOnTopic,
    langAccuracy: predictions.length === 0 ? 1 : langOk / predictions.length,
    predictions,
  };
}

const pct = (x: number) => x.toFixed(3);

/** The report as a plain-text table. */
export function formatReport(title: string, r: Report): string {
  const lines: string[] = [];
  lines.push(`== ${title}: ${r.posts} posts`);
  lines.push(`${'frame'.padEnd(22)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'support'.padStart(8)} ${'tp/fp/fn'.padStart(10)}`);
  for (const f of FRAME_IDS) {
    const p = r.frames[f];
    lines.push(`${f.padEnd(22)} ${pct(p.precision).padStart(6)} ${pct(p.recall).padStart(6)} ${pct(p.f1).padStart(6)} ${String(p.support).padStart(8)} ${`${p.tp}/${p.fp}/${p.fn}`.padStart(10)}`);
  }
  lines.push(`${'macro-F1 (7 frames)'.padEnd(22)} ${''.padStart(6)} ${''.padStart(6)} ${pct(r.macroF1).padStart(6)}`);
  lines.push(`${'micro-F1'.padEnd(22)} ${''.padStart(6)} ${''.padStart(6)} ${pct(r.microF1).padStart(6)}`);
  lines.push(`${'topic gate'.padEnd(22)} ${pct(r.topic.precision).padStart(6)} ${pct(r.topic.recall).padStart(6)} ${pct(r.topic.f1).padStart(6)} ${String(r.topic.support).padStart(8)} ${`${r.topic.tp}/${r.topic.fp}/${r.topic.fn}`.padStart(10)}`);
  lines.push(`invented frames on frameless on-topic posts: ${pct(r.inventedRate)} (${r.inventedPosts}/${r.framelessOnTopic})`);
  lines.push(`language id accuracy: ${pct(r.langAccuracy)}`);
  lines.push(`${'language'.padEnd(10)} ${'posts'.padStart(6)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'macroF1'.padStart(8)} ${'topicF1'.padStart(8)} ${'langAcc'.padStart(8)}`);
  for (const [name, l] of Object.entries(r.languages)) {
    lines.push(`${name.padEnd(10)} ${String(l.posts).padStart(6)} ${pct(l.micro.precision).padStart(6)} ${pct(l.micro.recall).padStart(6)} ${pct(l.micro.f1).padStart(6)} ${pct(l.macroF1).padStart(8)} ${pct(l.topic.f1).padStart(8)} ${pct(l.langAccuracy).padStart(8)}`);
  }
  return `${lines.join('\n')}\n`;
}
