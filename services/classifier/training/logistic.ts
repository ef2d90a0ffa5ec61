// Multi-head logistic regression on sparse features, trained with AdaGrad
// and L2, deterministic for a given seed. Pure: samples in, weights out.
// Small on purpose: a few thousand labeled posts, a few tens of thousands of
// features, seconds of training; nothing here needs a numerics library.
import { mulberry32 } from '../../random.ts';

export interface Sample {
  /** Feature rows (indices into the vocabulary), unique within the sample. */
  rows: Int32Array;
  values: Float32Array;
  /** 0/1 per head. */
  labels: Uint8Array;
}

export interface TrainOptions {
  features: number;
  heads: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights a sample touches. */
  l2: number;
  seed: number;
  /** Per head: the loss weight of a positive example (imbalanced frames get more). */
  positiveWeight?: readonly number[];
}

/** Weights, row-major [feature][head]. */
export function trainLogistic(samples: readonly Sample[], o: TrainOptions): Float32Array {
  const H = o.heads;
  const w = new Float64Array(o.features * H);
  const g2 = new Float64Array(o.features * H).fill(1e-8);
  const order = samples.map((_, i) => i);
  const random = mulberry32(o.seed);
  const grad = new Float64Array(H);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, random);
    for (const i of order) {
      const s = samples[i]!;
      for (let h = 0; h < H; h++) grad[h] = 0;
      for (let k = 0; k < s.rows.length; k++) {
        const base = s.rows[k]! * H;
        const v = s.values[k]!;
        for (let h = 0; h < H; h++) grad[h] = grad[h]! + v * w[base + h]!;
      }
      for (let h = 0; h < H; h++) {
        const p = 1 / (1 + Math.exp(-grad[h]!));
        const y = s.labels[h]!;
        grad[h] = (p - y) * (y === 1 ? (o.positiveWeight?.[h] ?? 1) : 1);
      }
      for (let k = 0; k < s.rows.length; k++) {
        const base = s.rows[k]! * H;
        const v = s.values[k]!;
        for (let h = 0; h < H; h++) {
          const j = base + h;
          const g = grad[h]! * v + o.l2 * w[j]!;
          g2[j] = g2[j]! + g * g;
          w[j] = w[j]! - (o.learningRate * g) / Math.sqrt(g2[j]!);
        }
      }
    }
  }
  return Float32Array.from(w);
}

function shuffle(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** The threshold that maximizes F1 for these scores and labels (ties: the higher threshold). */
export function bestThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, candidates = defaultCandidates()): { threshold: number; f1: number } {
  let best = { threshold: 0.5, f1: -1 };
  for (const t of candidates) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < scores.length; i++) {
      const predicted = scores[i]! >= t;
      if (predicted && labels[i]) tp++;
      else if (predicted) fp++;
      else if (labels[i]) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 >= best.f1) best = { threshold: t, f1 };
  }
  return best;
}

function defaultCandidates(): number[] {
  const c: number[] = [];
  for (let t = 0.05; t <= 0.951; t += 0.01) c.push(Math.round(t * 100) / 100);
  return c;
}
