// The trained model: one logistic regression head for the topic gate and one
// per frame over the features of features.ts, with a decision threshold per
// head chosen on held-out writers (test/eval/train.ts). The model file is
// data in config/model/, like the cue files, and its hash is part of the
// classifier version. Inference is a sparse dot product per head.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_PREFIX, FeatureKind, RULE_FEATURES, type FeatureExtractor, type Features } from './features.ts';
import type { RuleAnalysis } from './rules.ts';
import { FRAME_IDS } from './types.ts';

export const DEFAULT_MODEL_FILE = fileURLToPath(new URL('../../config/model/frames-model.json', import.meta.url));
/** Distinct token texts remembered per language class before the memo starts over. */
const TOKEN_MEMO_LIMIT = 200_000;
export const MODEL_FORMAT = 'framewatch-frame-model/1';

/** Head 0 is the topic gate; heads 1..7 are the frames in FRAME_IDS order. */
export const HEADS: readonly string[] = ['topic', ...FRAME_IDS];

/** The file as written: weights quantized to int16 per head, base64. */
export interface ModelFile {
  format: string;
  heads: string[];
  thresholds: number[];
  features: string[];
  /** Per head: weight = int16 × scale. */
  scales: number[];
  /** base64 of Int16Array, row-major [feature][head]. */
  weights: string;
  /** How it was trained and what it measured; informational. */
  training: Record<string, unknown>;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

interface WordRows {
  /** Indexed by FeatureKind (Word, -, Quoted, Negated); -1: not in the vocabulary. */
  rows: Int32Array;
  /** Second word's entry → row of the pair. */
  pairs: Map<WordRows, number> | null;
}

/** A post as the model saw it: probabilities per head and the text features it knew. */
export interface Scored {
  probabilities: Float64Array;
  /** The known text features (all with the post's one text-feature value): rows and token ranges. */
  rows: number[];
  first: number[];
  last: number[];
}

export class FrameModel {
  readonly headCount = HEADS.length;
  private readonly index: Map<string, number>;
  // Lookup by the words themselves, so classifying a post builds no feature
  // names: one entry per stem with its rows as a word, quoted word and
  // negated word, and its pairs keyed by the second word's entry. A memo
  // maps token text straight to the entry (one per post-language class: a
  // Cyrillic word stems as Ukrainian in a Ukrainian post), so a known word
  // costs one lookup and no stemming.
  private readonly words = new Map<string, WordRows>();
  private readonly emoji = new Map<string, number>();
  private readonly tokenMemo = [new Map<string, WordRows | null>(), new Map<string, WordRows | null>()];
  private readonly ruleRows: Int32Array;
  private readonly stamps: Uint32Array;
  private stamp = 0;

  constructor(
    readonly features: readonly string[],
    /** Row-major [feature][head]. */
    readonly weights: Float32Array,
    readonly thresholds: readonly number[],
    readonly hash: string,
    readonly training: Record<string, unknown> = {},
  ) {
    if (weights.length !== features.length * HEADS.length) throw new ModelError(`model: ${weights.length} weights for ${features.length} features × ${HEADS.length} heads`);
    if (thresholds.length !== HEADS.length) throw new ModelError(`model: ${thresholds.length} thresholds for ${HEADS.length} heads`);
    this.index = new Map(features.map((name, i) => [name, i]));
    const entry = (word: string): WordRows => {
      let e = this.words.get(word);
      if (!e) this.words.set(word, (e = { rows: Int32Array.of(-1, -1, -1, -1), pairs: null }));
      return e;
    };
    features.forEach((name, row) => {
      const kind = FEATURE_PREFIX.indexOf(name.slice(0, 2) as (typeof FEATURE_PREFIX)[number]);
      if (kind === FeatureKind.Pair) {
        const cut = name.indexOf('_', 2);
        (entry(name.slice(2, cut)).pairs ??= new Map()).set(entry(name.slice(cut + 1)), row);
      } else if (kind === FeatureKind.Emoji) this.emoji.set(name.slice(2), row);
      else if (kind >= 0) entry(name.slice(2)).rows[kind] = row;
    });
    this.ruleRows = Int32Array.from(RULE_FEATURES.map((name) => this.index.get(name) ?? -1));
    this.stamps = new Uint32Array(features.length);
  }

  /** The probabilities for a post, straight from the rules' analysis (the classify path). */
  score(analysis: RuleAnalysis, extractor: FeatureExtractor): Scored {
    const H = this.headCount;
    const w = this.weights;
    const mark = (this.stamp = (this.stamp + 1) >>> 0) || (this.stamp = 1);
    const stamps = this.stamps;
    const rows: number[] = [];
    const first: number[] = [];
    const last: number[] = [];
    const { tokens } = analysis;
    const memo = this.tokenMemo[analysis.lang === 'uk' ? 1 : 0]!;
    // The entry of each word token, resolved on first use.
    const entries: Array<WordRows | null | undefined> = new Array(tokens.count);
    const entryAt = (i: number): WordRows | null => {
      let e = entries[i];
      if (e !== undefined) return e;
      const word = tokens.text[i]!;
      e = memo.get(word);
      if (e === undefined) {
        e = this.words.get(extractor.stemOf(word, analysis.lang)) ?? null;
        if (memo.size >= TOKEN_MEMO_LIMIT) memo.clear();
        memo.set(word, e);
      }
      entries[i] = e;
      return e;
    };
    const value = extractor.visitText(analysis, (kind, f, l) => {
      let row: number | undefined;
      if (kind === FeatureKind.Emoji) row = this.emoji.get(tokens.text[f]!);
      else {
        const e = entryAt(f);
        if (!e) return;
        if (kind !== FeatureKind.Pair) row = e.rows[kind];
        else {
          const second = e.pairs && entryAt(l);
          if (!second) return;
          row = e.pairs!.get(second);
        }
      }
      if (row === undefined || row < 0 || stamps[row] === mark) return;
      stamps[row] = mark;
      rows.push(row);
      first.push(f);
      last.push(l);
    });
    const logits = new Float64Array(H);
    for (const row of rows) {
      const base = row * H;
      for (let h = 0; h < H; h++) logits[h] = logits[h]! + value * w[base + h]!;
    }
    const dense = extractor.ruleValues(analysis);
    for (let k = 0; k < dense.length; k++) {
      const row = this.ruleRows[k]!;
      const v = dense[k]!;
      if (row < 0 || v === 0) continue;
      const base = row * H;
      for (let h = 0; h < H; h++) logits[h] = logits[h]! + v * w[base + h]!;
    }
    for (let h = 0; h < H; h++) logits[h] = 1 / (1 + Math.exp(-logits[h]!));
    return { probabilities: logits, rows, first, last };
  }

  /**
   * Indices into scored.rows of the text features that pushed head `h` up
   * the most, strongest first (they share one value, so the weight decides):
   * the words behind a tag the rules did not give.
   */
  topContributions(scored: Scored, h: number, limit: number): number[] {
    const H = this.headCount;
    const ranked: Array<[number, number]> = [];
    scored.rows.forEach((row, k) => {
      const c = this.weights[row * H + h]!;
      if (c > 0) ranked.push([k, c]);
    });
    ranked.sort((a, b) => b[1] - a[1]);
    return ranked.slice(0, limit).map(([k]) => k);
  }

  /** The feature rows of a post's features (-1: not in the model's vocabulary). */
  rows(f: Features): Int32Array {
    const rows = new Int32Array(f.names.length);
    for (let k = 0; k < f.names.length; k++) rows[k] = this.index.get(f.names[k]!) ?? -1;
    return rows;
  }

  /** Probability per head, from named features (training and cross-validation). */
  predict(f: Features, rows = this.rows(f)): Float64Array {
    const H = this.headCount;
    const logits = new Float64Array(H);
    const w = this.weights;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      if (r < 0) continue;
      const v = f.values[k]!;
      const base = r * H;
      for (let h = 0; h < H; h++) logits[h] = logits[h]! + v * w[base + h]!;
    }
    for (let h = 0; h < H; h++) logits[h] = 1 / (1 + Math.exp(-logits[h]!));
    return logits;
  }

  toFile(training: Record<string, unknown> = this.training): ModelFile {
    const H = this.headCount;
    const scales = HEADS.map((_, h) => {
      let max = 0;
      for (let r = 0; r < this.features.length; r++) max = Math.max(max, Math.abs(this.weights[r * H + h]!));
      return max > 0 ? max / 32767 : 1;
    });
    const q = new Int16Array(this.weights.length);
    for (let i = 0; i < q.length; i++) q[i] = Math.round(this.weights[i]! / scales[i % H]!);
    return {
      format: MODEL_FORMAT,
      heads: [...HEADS],
      thresholds: this.thresholds.map((t) => Math.round(t * 1e4) / 1e4),
      features: [...this.features],
      scales,
      weights: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64'),
      training,
    };
  }

  static fromFile(file: ModelFile, hash: string): FrameModel {
    if (file.format !== MODEL_FORMAT) throw new ModelError(`model: format ${JSON.stringify(file.format)}, expected ${MODEL_FORMAT}`);
    if (JSON.stringify(file.heads) !== JSON.stringify(HEADS)) throw new ModelError(`model: heads ${file.heads.join(',')} do not match ${HEADS.join(',')}`);
    const bytes = Buffer.from(file.weights, 'base64');
    const q = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const H = HEADS.length;
    const weights = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) weights[i] = q[i]! * file.scales[i % H]!;
    return new FrameModel(file.features, weights, file.thresholds, hash, file.training);
  }
}

export function loadModel(path = DEFAULT_MODEL_FILE): FrameModel {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelError(`model: cannot read ${path}: ${(err as Error).message}`);
  }
  let file: ModelFile;
  try {
    file = JSON.parse(raw) as ModelFile;
  } catch (err) {
    throw new ModelError(`model: ${path} is not JSON: ${(err as Error).message}`);
  }
  return FrameModel.fromFile(file, createHash('sha256').update(raw).digest('hex'));
}
