// Features for the trained model, read off the rule engine's analysis so a
// post is normalized and tokenized once. Two kinds:
//   - sparse text features, named strings: word stems (u:), adjacent stem
//     pairs within a sentence (b:), stems inside short quotes (q: scare
//     quotes are how refuters cite a frame), stems a negator governs (n:),
//     and emoji (e:);
//   - dense rule features (r:): each frame's rule score and whether it
//     crossed its threshold, the topic score, the stance markers present,
//     the language.
// Each feature remembers the first token range it came from, so a tag the
// model gives can point at the words behind it.
import { STANCE_MARKER_KINDS } from './data.ts';
import type { RuleAnalysis } from './rules.ts';
import { StemCache, type StemLang } from './stem.ts';
import { TokenKind } from './tokenize.ts';
import { FRAME_IDS } from './types.ts';

export interface Features {
  names: string[];
  values: number[];
  /** Token range [first, last] the feature came from; -1 for dense rule features. */
  first: number[];
  last: number[];
}

/** Kinds of text feature; a feature's name is its kind's prefix and its words. */
export const enum FeatureKind {
  Word = 0,
  Pair = 1,
  Quoted = 2,
  Negated = 3,
  Emoji = 4,
}
export const FEATURE_PREFIX = ['u:', 'b:', 'q:', 'n:', 'e:'] as const;

export function featureName(kind: FeatureKind, a: string, b?: string): string {
  return kind === FeatureKind.Pair ? `b:${a}_${b}` : `${FEATURE_PREFIX[kind]}${a}`;
}

/**
 * Called for every text feature occurrence, repeats included (the consumer
 * keeps features binary), with the token positions it is made of: [first]
 * for single-token kinds, [first, last] for a pair.
 */
export type FeatureVisitor = (kind: FeatureKind, first: number, last: number) => void;

/** The dense rule features, in a fixed order (their names are part of the model file). */
export const RULE_FEATURES: readonly string[] = [
  // A frame's rule score, whether it crossed the threshold, and how much of
  // its strongest cue stance took away (cue seen, but quoted to refute it,
  // reported, negated, or ironic).
  ...FRAME_IDS.flatMap((f) => [`r:score:${f}`, `r:tag:${f}`, `r:weakened:${f}`]),
  'r:topic',
  'r:ontopic',
  ...STANCE_MARKER_KINDS.map((k) => `r:marker:${k}`),
  'r:lang:ru',
  'r:lang:uk',
  'r:lang:en',
  'r:lang:other',
  'r:bias',
];

// Negators whose scope (the next few words of the clause) gets n: features.
// The rule engine's stance data has its own list; this one only shapes
// features, so it lives with them.
const NEGATORS = new Set(['не', 'ни', 'нет', 'нету', 'никаких', 'ні', 'немає', 'нема', 'жодних', 'жодного', 'not', 'no', 'never', "n't", 'nor', 'none', 'без', 'without']);
const NEGATION_WINDOW = 3;
/** Scare quotes hold a word or a short phrase. */
const MAX_QUOTE_WORDS = 3;

export interface FeatureOptions {
  /** Threshold each frame's rule score is compared with for r:tag:. */
  ruleThresholds: readonly number[];
}

export class FeatureExtractor {
  private readonly stems = new StemCache(100_000);
  private readonly dense = new Float64Array(RULE_FEATURES.length);
  constructor(private readonly options: FeatureOptions) {}

  /**
   * Walks the post's text features; returns the value each one has: text
   * features are scaled by 1/sqrt(occurrences) so long and short posts weigh
   * alike.
   */
  visitText(analysis: RuleAnalysis, visit: FeatureVisitor): number {
    const { tokens } = analysis;
    let occurrences = 0;
    let negatedUntil = -1;
    let negClause = -1;
    let prev = -1;
    for (let i = 0; i < tokens.count; i++) {
      const kind = tokens.kind[i]!;
      if (kind === TokenKind.Emoji) {
        visit(FeatureKind.Emoji, i, i);
        occurrences++;
        prev = -1;
        continue;
      }
      if (kind !== TokenKind.Word) {
        prev = -1;
        continue;
      }
      if (prev >= 0 && tokens.sentence[prev] === tokens.sentence[i]) {
        visit(FeatureKind.Pair, prev, i);
        occurrences++;
      }
      visit(FeatureKind.Word, i, i);
      occurrences++;
      if (tokens.quoted[i] === 1 && tokens.quoteWords[i]! <= MAX_QUOTE_WORDS) {
        visit(FeatureKind.Quoted, i, i);
        occurrences++;
      }
      if (i <= negatedUntil && tokens.clause[i] === negClause) {
        visit(FeatureKind.Negated, i, i);
        occurrences++;
      }
      if (NEGATORS.has(tokens.text[i]!)) {
        negatedUntil = i + NEGATION_WINDOW;
        negClause = tokens.clause[i]!;
      }
      prev = i;
    }
    return occurrences > 0 ? 1 / Math.sqrt(occurrences) : 0;
  }

  /** The stem a word token stands for in features; the stemmer follows the word's script. */
  stemOf(word: string, postLang: string): string {
    if (word.length <= 3) return word;
    const c = word.charCodeAt(0);
    const lang: StemLang = c < 0x0400 ? 'en' : UKRAINIAN_LETTERS.test(word) || postLang === 'uk' ? 'uk' : 'ru';
    return this.stems.get(lang, word);
  }

  /** All features by name (text features once each, then the nonzero rule features): for training. */
  extract(analysis: RuleAnalysis): Features {
    const f: Features = { names: [], values: [], first: [], last: [] };
    const seen = new Set<string>();
    const { tokens, lang } = analysis;
    const stems: Array<string | undefined> = new Array(tokens.count);
    const stemAt = (i: number) => (stems[i] ??= this.stemOf(tokens.text[i]!, lang));
    const value = this.visitText(analysis, (kind, first, last) => {
      const name = kind === FeatureKind.Emoji ? featureName(kind, tokens.text[first]!) : kind === FeatureKind.Pair ? featureName(kind, stemAt(first), stemAt(last)) : featureName(kind, stemAt(first));
      if (seen.has(name)) return;
      seen.add(name);
      f.names.push(name);
      f.first.push(first);
      f.last.push(last);
    });
    f.values = f.names.map(() => value);
    const dense = this.ruleValues(analysis);
    for (let k = 0; k < RULE_FEATURES.length; k++) {
      if (dense[k] === 0) continue;
      f.names.push(RULE_FEATURES[k]!);
      f.values.push(dense[k]!);
      f.first.push(-1);
      f.last.push(-1);
    }
    return f;
  }

  /** The rule features' values, in RULE_FEATURES order (a buffer reused by the next call). */
  ruleValues(a: RuleAnalysis): Float64Array {
    // One buffer, refilled per post: callers read it before the next call.
    const v = this.dense;
    let k = 0;
    for (let i = 0; i < FRAME_IDS.length; i++) {
      const score = a.frameScores[i]!;
      v[k++] = score;
      v[k++] = score >= this.options.ruleThresholds[i]! ? 1 : 0;
      v[k++] = Math.max(0, a.cueWeights[i]! - score);
    }
    v[k++] = Math.min(a.topicScore, 2) / 2;
    v[k++] = a.onTopic ? 1 : 0;
    for (let i = 0; i < STANCE_MARKER_KINDS.length; i++) v[k++] = a.markers & (1 << i) ? 1 : 0;
    v[k++] = a.lang === 'ru' ? 1 : 0;
    v[k++] = a.lang === 'uk' ? 1 : 0;
    v[k++] = a.lang === 'en' ? 1 : 0;
    v[k++] = a.lang === 'other' ? 1 : 0;
    v[k++] = 1;
    return v;
  }

}

const UKRAINIAN_LETTERS = /[іїєґ]/;
