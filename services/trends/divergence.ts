// Comparing audiences: what each is told (its frame distribution) and how far
// apart two audiences are. Pure.
//
// - share(a, f): the weight of a's on-topic posts carrying frame f over the
//   weight of a's on-topic posts (as in trends; frames are multi-label, so
//   shares need not sum to 1).
// - distribution(a): a's frame tags as a probability distribution, each
//   frame's weight over the summed weights of all a's frame tags. This is
//   what a Jensen-Shannon divergence can compare.
// - JSD(a, b) in bits: 0 for identical distributions, 1 for disjoint ones.
import { share, type TrendWeight } from './series.ts';

export interface Weights {
  posts: number;
  views: number;
  reach: number;
}

export interface AudienceTotals {
  audience: string;
  all: Weights;
  onTopic: Weights;
  /** Per frame id; a frame missing here has no tags. */
  frames: Record<string, Weights>;
}

export function pick(w: Weights | undefined, weight: TrendWeight): number {
  if (!w) return 0;
  return weight === 'views' ? w.views : weight === 'subscribers' ? w.reach : w.posts;
}

/** Scales non-negative weights to sum 1; null when they sum to 0. */
export function normalize(weights: readonly number[]): number[] | null {
  const total = weights.reduce((s, w) => s + w, 0);
  return total > 0 ? weights.map((w) => w / total) : null;
}

function klTerm(p: number, m: number): number {
  return p > 0 ? p * Math.log2(p / m) : 0;
}

/** Jensen-Shannon divergence (base 2) of two distributions over the same outcomes. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new RangeError('distributions over different outcomes');
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    sum += klTerm(p[i]!, m) / 2 + klTerm(q[i]!, m) / 2;
  }
  // Rounding can leave -1e-17 or 1.0000000000000002.
  return Math.min(1, Math.max(0, sum));
}

export interface AudienceProfile {
  audience: string;
  posts: number;
  onTopic: number;
  /** On-topic weight over all posts' weight. */
  topicShare: number;
  frames: Array<{ frame: string; posts: number; share: number; probability: number }>;
}

export interface AudiencePair {
  a: string;
  b: string;
  /** null when either audience has no frame tags in the range. */
  jsd: number | null;
  /** share(a, f) - share(b, f), largest absolute difference first. */
  differences: Array<{ frame: string; difference: number }>;
}

export interface AudienceComparison {
  audiences: AudienceProfile[];
  pairs: AudiencePair[];
}

export function compareAudiences(totals: readonly AudienceTotals[], frames: readonly string[], weight: TrendWeight): AudienceComparison {
  const profiles = totals.map((a): AudienceProfile & { distribution: number[] | null } => {
    const onTopicWeight = pick(a.onTopic, weight);
    const distribution = normalize(frames.map((f) => pick(a.frames[f], weight)));
    return {
      audience: a.audience,
      posts: a.all.posts,
      onTopic: a.onTopic.posts,
      topicShare: share(onTopicWeight, pick(a.all, weight)),
      frames: frames.map((f, i) => ({
        frame: f,
        posts: a.frames[f]?.posts ?? 0,
        share: share(pick(a.frames[f], weight), onTopicWeight),
        probability: distribution?.[i] ?? 0,
      })),
      distribution,
    };
  });
  const pairs: AudiencePair[] = [];
  for (let i = 0; i < profiles.length; i++) {
    for (let j = i + 1; j < profiles.length; j++) {
      const a = profiles[i]!;
      const b = profiles[j]!;
      pairs.push({
        a: a.audience,
        b: b.audience,
        jsd: a.distribution && b.distribution ? jensenShannon(a.distribution, b.distribution) : null,
        differences: frames
          .map((f, k) => ({ frame: f, difference: a.frames[k]!.share - b.frames[k]!.share }))
          .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.frame.localeCompare(y.frame)),
      });
    }
  }
  return { audiences: profiles.map(({ distribution: _d, ...p }) => p), pairs };
}
