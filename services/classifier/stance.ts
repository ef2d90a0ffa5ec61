// Stance: whether the author ADVANCES a frame or only quotes, reports, mocks
// or denies it (shared/frames.md, step 2). A Ukrainian fact-check that says
// "propagandists claim there are no Koreans" must not carry `denial`.
//
// Each frame cue hit gets a factor in [0, 1] that multiplies its weight:
//   negated    a negator ("не", "ні", "not", "no") shortly before a cue word
//              in the same clause: "это не пушечное мясо";
//   reported   the sentence holds a reporting marker: "пропагандисты
//              утверждают", "Kremlin says", "росЗМІ пишуть";
//   irony      the sentence holds an irony marker: "ну да, конечно", "🙄";
//   distanced  a distancing word just before the cue: "якобы", "нібито",
//              "so-called", or the cue stands in scare quotes;
//   quoted     the cue sits inside quotation marks;
//   refuted    the post as a whole debunks: "фейк" said by a fact-checker,
//              "дезінформація", "debunked", "Центр протидії дезінформації".
// Markers that are part of the cue itself (a denial cue "якобы корейцы")
// do not weaken it, and cues marked `stance: ignore` skip all but negation.
import { Owner, type CompiledCue, type CueMatch } from './cues.ts';
import type { StanceMarkerKind, StanceSpec } from './data.ts';
import { STANCE_MARKER_KINDS } from './data.ts';
import { TokenKind, type Tokens } from './tokenize.ts';

const KIND_INDEX: Record<StanceMarkerKind, number> = Object.fromEntries(STANCE_MARKER_KINDS.map((k, i) => [k, i])) as Record<StanceMarkerKind, number>;

export interface StanceContext {
  markers: CueMatch[];
  /** Sentences with a reporting or irony marker. */
  reportingSentences: Set<number>;
  ironySentences: Set<number>;
  /** Token position of a closing ironic remark; frame cues before it are ironic (-1: none). */
  ironyPostAt: number;
  refuted: boolean;
  /** Token positions of distancing markers (their last token). */
  distancing: number[];
}

export function stanceContext(markerMatches: CueMatch[], cues: CompiledCue[], tokens: Tokens): StanceContext {
  const ctx: StanceContext = { markers: markerMatches, reportingSentences: new Set(), ironySentences: new Set(), ironyPostAt: -1, refuted: false, distancing: [] };
  const lastSentence = tokens.count > 0 ? tokens.sentence[tokens.count - 1]! : -1;
  for (const m of markerMatches) {
    const kind = cues[m.cue]!.ownerIndex;
    if (kind === KIND_INDEX.reporting) ctx.reportingSentences.add(tokens.sentence[m.first]!);
    else if (kind === KIND_INDEX.irony) ctx.ironySentences.add(tokens.sentence[m.first]!);
    else if (kind === KIND_INDEX.refutation) ctx.refuted = true;
    else if (kind === KIND_INDEX.ironyPost && tokens.sentence[m.first] === lastSentence) ctx.ironyPostAt = Math.max(ctx.ironyPostAt, m.first);
    else if (kind === KIND_INDEX.distancing) ctx.distancing.push(m.last);
  }
  return ctx;
}

export interface StanceVerdict {
  factor: number;
  reasons: string[];
}

export function stanceFactor(
  hit: { cue: number; first: number; last: number; slots: number[]; keySlots: number[] },
  cues: CompiledCue[],
  tokens: Tokens,
  termsOf: Array<number[] | undefined>,
  negators: Set<number>,
  breakers: Set<number>,
  ctx: StanceContext,
  spec: StanceSpec,
): StanceVerdict {
  const cue = cues[hit.cue]!;
  let factor = 1;
  const reasons: string[] = [];
  const f = spec.factors;
  // Only the frame words count: "похищение, а не плен" is not a negated kidnapping.
  if (cue.negatable && isNegated(hit.keySlots, tokens, termsOf, negators, breakers, spec.negation.window)) {
    factor *= f.negated;
    reasons.push('negated');
  }
  if (cue.owner !== Owner.Frame) return { factor, reasons };

  // Markers made of the cue's own words belong to the cue ("якобы корейцы").
  const ownWords = new Set(hit.slots);
  const ownMarker = (m: CueMatch) => m.slots.every((s) => ownWords.has(s));
  // A post that refutes outweighs even cues that carry their own stance.
  const refuted = ctx.refuted && ctx.markers.some((m) => cues[m.cue]!.ownerIndex === KIND_INDEX.refutation && !ownMarker(m));
  if (!cue.stanceApplies) {
    if (refuted) {
      factor *= spec.factors.refutedPost;
      reasons.push('refuted');
    }
    return { factor, reasons };
  }
  const sentence = tokens.sentence[hit.first]!;
  const markerIn = (kind: number) => ctx.markers.some((m) => cues[m.cue]!.ownerIndex === kind && !ownMarker(m) && tokens.sentence[m.first] === sentence);
  if (ctx.reportingSentences.has(sentence) && markerIn(KIND_INDEX.reporting)) {
    factor *= f.reported;
    reasons.push('reported');
  }
  if ((ctx.ironySentences.has(sentence) && markerIn(KIND_INDEX.irony)) || (ctx.ironyPostAt > hit.last)) {
    factor *= f.irony;
    reasons.push('irony');
  }
  const distanced = ctx.markers.some(
    (m) => cues[m.cue]!.ownerIndex === KIND_INDEX.distancing && !ownMarker(m) && m.last < hit.first && hit.first - m.last <= spec.distancingWindow && tokens.sentence[m.last] === sentence,
  );
  if (distanced) {
    factor *= f.distanced;
    reasons.push('distanced');
  }
  if (hit.keySlots.every((s) => tokens.quoted[s] === 1)) {
    const scare = hit.keySlots.every((s) => tokens.quoteWords[s]! <= 3);
    factor *= scare ? f.scareQuoted : f.quoted;
    reasons.push(scare ? 'scare-quoted' : 'quoted');
  }
  if (refuted) {
    factor *= f.refutedPost;
    reasons.push('refuted');
  }
  return { factor, reasons };
}

/**
 * A negator negates the cue when it stands within `window` tokens before one
 * of the cue's words, in the same clause, and is not one of the cue's own
 * words nor followed by a breaker ("не только").
 */
function isNegated(slots: number[], tokens: Tokens, termsOf: Array<number[] | undefined>, negators: Set<number>, breakers: Set<number>, window: number): boolean {
  const own = new Set(slots);
  for (const slot of slots) {
    const clause = tokens.clause[slot];
    for (let q = slot - 1; q >= 0 && q >= slot - window; q--) {
      if (tokens.clause[q] !== clause) break;
      if (own.has(q)) continue;
      if (isNegator(q, tokens, termsOf, negators) && !isBreaker(q + 1, tokens, termsOf, breakers)) return true;
    }
  }
  return false;
}

function isNegator(q: number, tokens: Tokens, termsOf: Array<number[] | undefined>, negators: Set<number>): boolean {
  if (tokens.kind[q] !== TokenKind.Word) return false;
  const terms = termsOf[q];
  if (terms && terms.some((t) => negators.has(t))) return true;
  return tokens.text[q]!.endsWith("n't");
}

function isBreaker(q: number, tokens: Tokens, termsOf: Array<number[] | undefined>, breakers: Set<number>): boolean {
  if (q >= tokens.count) return false;
  const terms = termsOf[q];
  return !!terms && terms.some((t) => breakers.has(t));
}
