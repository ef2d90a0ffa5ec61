// The rule engine: normalization → tokens → language → cue matches → topic
// gate → stance → frame scores with evidence. Everything data-dependent is
// compiled once in createRuleClassifier; classify() is a pure function of the
// text (the stem memo inside only saves time). On its own it is the
// analyst-readable classifier; classifier.ts puts the trained model on top of
// its analysis (analyze()), which is what ships by default.
import { createHash } from 'node:crypto';
import { CueIndex, Owner, type CueMatch } from './cues.ts';
import { loadFrameData, STANCE_MARKER_KINDS, type FrameData } from './data.ts';
import { identifyLanguage } from './lang.ts';
import { normalize, originalRange, type NormalizedText } from './normalize.ts';
import { stanceContext, stanceFactor } from './stance.ts';
import { tokenize, type Tokens } from './tokenize.ts';
import { FRAME_IDS, type Classification, type Classifier, type EvidenceSpan, type FrameId, type FrameTag, type Lang } from './types.ts';

/** Bump on any change of the rule engine's behaviour; the data hash covers the cue files. */
export const RULES_VERSION = '1.0.0';

export interface RuleOptions {
  /** Parsed, validated cue data; default: loaded from `dir`. */
  data?: FrameData;
  /** Directory of the YAML cue files; default config/frames. */
  dir?: string;
}

/** Why a post got what it got: for `--explain`, evaluation and tests. */
export interface CueHit {
  owner: 'frame' | 'topic' | 'marker';
  /** Frame id, topic group, or stance marker kind. */
  name: string;
  cue: string;
  weight: number;
  factor: number;
  reasons: string[];
  evidence: EvidenceSpan;
}

export interface Explanation extends Classification {
  topicScore: number;
  hits: CueHit[];
}

export interface ExplainingClassifier extends Classifier {
  explain(text: string): Explanation;
}

export function rulesVersion(dataHash: string): string {
  const digest = createHash('sha256').update(`framewatch-classifier ${RULES_VERSION}\n`).update(dataHash).digest('hex');
  return `fw-${RULES_VERSION}-${digest.slice(0, 12)}`;
}

/**
 * What the rules saw in a post, for the trained model on top: the normalized
 * text and its tokens (so they are computed once), the topic score, every
 * frame's score before its threshold with its evidence, and the stance
 * markers present.
 */
export interface RuleAnalysis {
  normalized: NormalizedText;
  tokens: Tokens;
  lang: Lang;
  topicScore: number;
  onTopic: boolean;
  /** Indexed like FRAME_IDS: the rule score in [0,1] (0 when no cue fired). */
  frameScores: Float64Array;
  /** Indexed like FRAME_IDS: the strongest cue's weight before stance (negation, reporting, irony, quotes) weakened it. */
  cueWeights: Float64Array;
  /** Indexed like FRAME_IDS: token ranges of the cues that made the score. */
  frameSpans: Array<Array<[number, number]>>;
  /** Evidence of the cues that made frame i's score (mapped to the original text on demand). */
  frameEvidence(i: number): EvidenceSpan[];
  /** Bit i set when stance marker kind STANCE_MARKER_KINDS[i] occurs. */
  markers: number;
}

export interface RuleClassifier extends ExplainingClassifier {
  /** The cue data's hash (part of every version built on these rules). */
  readonly dataHash: string;
  /** Each frame's threshold, indexed like FRAME_IDS. */
  readonly thresholds: readonly number[];
  analyze(text: string): RuleAnalysis;
}

interface Hit extends CueMatch {
  /** For multi-part cues: every slot position of every part. */
  spanFirst: number;
  spanLast: number;
  /** The words of the first part: the frame word that stance rules (quotes) look at. */
  keySlots: number[];
}

export function createRuleClassifier(options: RuleOptions = {}): RuleClassifier {
  const data = options.data ?? loadFrameData(options.dir);
  const index = new CueIndex(data.lexicon);
  const stance = data.stance;
  for (const t of index.addWords(stance.negation.words, 'stance.negation.words')) index.negators.add(t);
  for (const t of index.addWords(stance.negation.breakers, 'stance.negation.breakers')) index.breakers.add(t);
  STANCE_MARKER_KINDS.forEach((kind, i) => {
    index.addCues(stance.markers[kind], Owner.Marker, i, { weight: 1, gap: 1 }, `stance.markers.${kind}`);
  });
  const topicGroups = Object.entries(data.topic.groups);
  topicGroups.forEach(([name, group], i) => {
    index.addCues(group.cues, Owner.Topic, i, { weight: group.weight, gap: 1 }, `topic.groups.${name}`);
  });
  const frames = data.frames;
  frames.forEach((f, i) => {
    index.addCues(f.cues, Owner.Frame, i, { weight: f.weight, gap: f.gap }, `frame ${f.frame}`);
  });
  const cues = index.cues;
  const version = rulesVersion(data.hash);

  /** Single-part matches are hits as they are; multi-part (`all`) cues need every part in scope. */
  function resolveHits(matches: CueMatch[], tokens: Tokens): Hit[] {
    const hits: Hit[] = [];
    let multi: Map<number, CueMatch[][]> | null = null;
    for (const m of matches) {
      const cue = cues[m.cue]!;
      if (cue.parts === 1) {
        hits.push({ cue: m.cue, part: 0, first: m.first, last: m.last, slots: m.slots, spanFirst: m.first, spanLast: m.last, keySlots: m.slots });
        continue;
      }
      multi ??= new Map();
      let parts = multi.get(m.cue);
      if (!parts) {
        parts = Array.from({ length: cue.parts }, () => []);
        multi.set(m.cue, parts);
      }
      parts[m.part]!.push(m);
    }
    if (!multi) return hits;
    for (const [cueId, parts] of multi) {
      if (parts.some((p) => p.length === 0)) continue;
      const cue = cues[cueId]!;
      for (const anchor of parts[0]!) {
        const chosen: CueMatch[] = [anchor];
        for (let part = 1; part < parts.length; part++) {
          const partner = parts[part]!.find((m) => inScope(anchor, m, cue.within, tokens));
          if (!partner) break;
          chosen.push(partner);
        }
        if (chosen.length < parts.length) continue;
        const slots = [...new Set(chosen.flatMap((m) => m.slots))].sort((a, b) => a - b);
        hits.push({ cue: cueId, part: 0, first: anchor.first, last: anchor.last, slots, spanFirst: slots[0]!, spanLast: slots[slots.length - 1]!, keySlots: anchor.slots });
        break; // one hit per `all` cue is enough evidence
      }
    }
    return hits;
  }

  /** Drops guard matches, hits whose `unless` guard fired in their sentence, and quote-only cues outside quotes. */
  function applyGuards(hits: Hit[], tokens: Tokens): Hit[] {
    // For each guarded cue: the sentences its guard matched in, and the tokens right after a guard match.
    let guardSentences: Map<number, Set<number>> | null = null;
    let guardEnds: Map<number, Set<number>> | null = null;
    for (const h of hits) {
      const cue = cues[h.cue]!;
      if (cue.owner !== Owner.Guard) continue;
      guardSentences ??= new Map();
      guardEnds ??= new Map();
      const set = guardSentences.get(cue.ownerIndex) ?? new Set<number>();
      set.add(tokens.sentence[h.first]!);
      guardSentences.set(cue.ownerIndex, set);
      const ends = guardEnds.get(cue.ownerIndex) ?? new Set<number>();
      ends.add(h.last + 1);
      guardEnds.set(cue.ownerIndex, ends);
    }
    return hits.filter((h) => {
      const cue = cues[h.cue]!;
      if (cue.owner === Owner.Guard) return false;
      if (cue.sameClause && tokens.clause[h.spanFirst] !== tokens.clause[h.spanLast]) return false;
      if (cue.quoted && !h.keySlots.every((s) => tokens.quoted[s] === 1 && tokens.quoteWords[s]! <= MAX_SCARE_QUOTE_WORDS)) return false;
      const guarded = guardSentences?.get(h.cue);
      if (guarded) {
        if (cue.guardScope === 'post') return false;
        if (cue.guardScope === 'sentence' && guarded.has(tokens.sentence[h.spanFirst]!)) return false;
        if (cue.guardScope === 'before' && guardEnds!.get(h.cue)!.has(h.spanFirst)) return false;
      }
      return true;
    });
  }

  function span(n: NormalizedText, tokens: Tokens, original: string, first: number, last: number): EvidenceSpan {
    const [start, end] = originalRange(n, tokens.start[first]!, tokens.end[last]!);
    return { start, end, text: original.slice(start, end) };
  }

  function run(text: string, explain: boolean, analysis?: RuleAnalysis): Explanation {
    const n = normalize(text);
    const tokens = tokenize(n.text);
    const lang = identifyLanguage(n.text, tokens);
    const termsOf = index.termsOfTokens(tokens);
    const hits = applyGuards(resolveHits(index.match(tokens, termsOf), tokens), tokens);
    const explained: CueHit[] = [];

    // Topic gate: each group counts once; frame language about Koreans counts too.
    const groupSeen = new Set<number>();
    let topicScore = 0;
    let frameCue = false;
    const markerMatches: CueMatch[] = [];
    for (const h of hits) {
      const cue = cues[h.cue]!;
      if (cue.owner === Owner.Topic && !groupSeen.has(cue.ownerIndex)) {
        groupSeen.add(cue.ownerIndex);
        topicScore += topicGroups[cue.ownerIndex]![1].weight;
      } else if (cue.owner === Owner.Frame && cue.weight >= data.topic.frameCueMinWeight) frameCue = true;
      else if (cue.owner === Owner.Marker) markerMatches.push(h);
      if (explain && cue.owner !== Owner.Frame) {
        explained.push({
          owner: cue.owner === Owner.Topic ? 'topic' : 'marker',
          name: cue.owner === Owner.Topic ? topicGroups[cue.ownerIndex]![0] : STANCE_MARKER_KINDS[cue.ownerIndex]!,
          cue: cue.source,
          weight: cue.weight,
          factor: 1,
          reasons: [],
          evidence: span(n, tokens, text, h.spanFirst, h.spanLast),
        });
      }
    }
    if (frameCue) topicScore += data.topic.frameCueWeight;
    // Frame scores are needed for the gate itself when the topic words alone fall short.
    let frameScores: FrameTag[] | null = null;
    if (topicScore < data.topic.threshold - 1e-9 && frameCue && topicScore + data.topic.strongFrameWeight >= data.topic.threshold - 1e-9) {
      frameScores = scoreFrames(hits, tokens, termsOf, markerMatches, n, text, explain ? explained : null, analysis);
      if (frameScores.some((f) => f.score >= data.topic.strongFrameScore)) topicScore += data.topic.strongFrameWeight;
    }
    // Weights are decimals: compare with a tolerance so 0.35 + 0.35 reaches 0.7.
    const onTopic = topicScore >= data.topic.threshold - 1e-9;
    const result: Explanation = { lang, onTopic, frames: [], topicScore: Math.round(topicScore * 1000) / 1000, hits: explained };
    if (analysis) {
      // Everything, below thresholds and off topic too: the model decides.
      frameScores ??= scoreFrames(hits, tokens, termsOf, markerMatches, n, text, null, analysis);
      analysis.normalized = n;
      analysis.tokens = tokens;
      analysis.lang = lang;
      analysis.topicScore = topicScore;
      analysis.onTopic = onTopic;
      for (const tag of frameScores) analysis.frameScores[FRAME_INDEX[tag.frame]] = tag.score;
      for (const m of markerMatches) analysis.markers |= 1 << cues[m.cue]!.ownerIndex;
      return result;
    }
    if (!onTopic && !explain) return result;

    if (onTopic || explain) frameScores ??= scoreFrames(hits, tokens, termsOf, markerMatches, n, text, explain ? explained : null);
    if (onTopic) result.frames = frameScores!;
    return result;
  }

  /** Frames: the strongest hit of each cue, combined per frame as 1 - Π(1 - w·factor). */
  function scoreFrames(hits: Hit[], tokens: Tokens, termsOf: Array<number[] | undefined>, markerMatches: CueMatch[], n: NormalizedText, text: string, explained: CueHit[] | null, analysis?: RuleAnalysis): FrameTag[] {
    // Analysis keeps every frame, below threshold too, with its raw cue weight and token spans.
    const belowThreshold = analysis !== undefined;
    const ctx = stanceContext(markerMatches, cues, tokens);
    const bestByCue = new Map<number, { value: number; hit: Hit; reasons: string[] }>();
    for (const h of hits) {
      const cue = cues[h.cue]!;
      if (cue.owner !== Owner.Frame) continue;
      const verdict = stanceFactor({ cue: h.cue, first: h.spanFirst, last: h.spanLast, slots: h.slots, keySlots: h.keySlots }, cues, tokens, termsOf, index.negators, index.breakers, ctx, stance);
      const value = cue.weight * verdict.factor;
      if (analysis) {
        const i = FRAME_INDEX[frames[cue.ownerIndex]!.frame];
        analysis.cueWeights[i] = Math.max(analysis.cueWeights[i]!, cue.weight);
      }
      if (explained) {
        explained.push({ owner: 'frame', name: frames[cue.ownerIndex]!.frame, cue: cue.source, weight: cue.weight, factor: round(verdict.factor), reasons: verdict.reasons, evidence: span(n, tokens, text, h.spanFirst, h.spanLast) });
      }
      const best = bestByCue.get(h.cue);
      if (!best || value > best.value) bestByCue.set(h.cue, { value, hit: h, reasons: verdict.reasons });
    }
    // Words count once per frame: cues are taken strongest first, and a cue
    // whose frame word a stronger cue already took adds nothing (the same
    // phrase often matches a cue of each language, or a broad and a narrow cue).
    const perFrame = new Map<number, { miss: number; spans: Array<[number, number]>; taken: Set<number> }>();
    const ranked = [...bestByCue].filter(([, b]) => b.value > 0).sort((a, b) => b[1].value - a[1].value || a[0] - b[0]);
    for (const [cueId, best] of ranked) {
      const frameIndex = cues[cueId]!.ownerIndex;
      const entry = perFrame.get(frameIndex) ?? { miss: 1, spans: [], taken: new Set<number>() };
      perFrame.set(frameIndex, entry);
      if (best.hit.keySlots.some((s) => entry.taken.has(s))) continue;
      for (const s of best.hit.slots) entry.taken.add(s);
      entry.miss *= 1 - best.value;
      entry.spans.push([best.hit.spanFirst, best.hit.spanLast]);
    }
    const tags: FrameTag[] = [];
    for (const [frameIndex, entry] of perFrame) {
      const spec = frames[frameIndex]!;
      const score = round(1 - entry.miss);
      if (score <= 0 || (!belowThreshold && score < spec.threshold)) continue;
      // Below-threshold analysis keeps token spans; evidence is mapped to the text only when a tag uses it.
      tags.push({ frame: spec.frame, score, evidence: belowThreshold ? [] : evidenceSpans(entry.spans, n, tokens, text) });
      if (analysis) analysis.frameSpans[FRAME_INDEX[spec.frame]] = entry.spans;
    }
    tags.sort((a, b) => b.score - a.score || FRAME_ORDER[a.frame] - FRAME_ORDER[b.frame]);
    return tags;
  }

  function evidenceSpans(tokenSpans: Array<[number, number]>, n: NormalizedText, tokens: Tokens, original: string): EvidenceSpan[] {
    // Merge overlapping token ranges, then map each to the original text.
    tokenSpans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged: Array<[number, number]> = [];
    for (const [a, b] of tokenSpans) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return merged.map(([a, b]) => span(n, tokens, original, a, b));
  }

  const thresholdOf = FRAME_IDS.map((id) => frames.find((f) => f.frame === id)?.threshold ?? Infinity);

  return {
    version,
    dataHash: data.hash,
    thresholds: thresholdOf,
    analyze(text: string): RuleAnalysis {
      // run() fills in the text-dependent fields.
      const analysis: RuleAnalysis = {
        normalized: undefined as unknown as NormalizedText,
        tokens: undefined as unknown as Tokens,
        lang: 'other',
        topicScore: 0,
        onTopic: false,
        frameScores: new Float64Array(FRAME_IDS.length),
        cueWeights: new Float64Array(FRAME_IDS.length),
        frameSpans: FRAME_IDS.map(() => []),
        frameEvidence: (i) => (analysis.frameSpans[i]!.length === 0 ? [] : evidenceSpans(analysis.frameSpans[i]!, analysis.normalized, analysis.tokens, text)),
        markers: 0,
      };
      run(text, false, analysis);
      return analysis;
    },
    classify(text: string): Classification {
      const { lang, onTopic, frames: tags } = run(text, false);
      return { lang, onTopic, frames: tags };
    },
    explain(text: string): Explanation {
      return run(text, true);
    },
  };
}

/** Scare quotes hold a word or a short phrase: «корейцы», «войска КНДР». */
const MAX_SCARE_QUOTE_WORDS = 2;

const FRAME_INDEX = Object.fromEntries(FRAME_IDS.map((id, i) => [id, i])) as Record<FrameId, number>;

const FRAME_ORDER: Record<FrameId, number> = {
  denial: 0,
  western_pretext: 1,
  berserker_praise: 2,
  incompetence: 3,
  kidnapping: 4,
  alliance_legitimation: 5,
  cannon_fodder: 6,
};

function inScope(a: CueMatch, b: CueMatch, within: 'sentence' | 'post' | number, tokens: Tokens): boolean {
  if (within === 'post') return true;
  if (within === 'sentence') return tokens.sentence[a.first] === tokens.sentence[b.first];
  const gap = b.first > a.last ? b.first - a.last : a.first > b.last ? a.first - b.last : 0;
  return gap <= within;
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(-1e9, x)) * 1000) / 1000;
}
