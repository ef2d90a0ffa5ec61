// From labeled posts to a FrameModel: features through the rule engine,
// vocabulary, training, and thresholds chosen on writers the fold did not
// train on (grouped cross-validation), so the thresholds reflect how the
// model does on someone else's prose, which is what production sees.
import { decide, ruleVerdict, type RuleVerdict } from '../classifier.ts';
import { FeatureExtractor, type Features } from '../features.ts';
import { FrameModel, HEADS } from '../model.ts';
import type { RuleClassifier } from '../rules.ts';
import { FRAME_IDS, type FrameId } from '../types.ts';
import { bestThreshold, trainLogistic, type Sample } from './logistic.ts';

export interface TrainingPost {
  text: string;
  onTopic: boolean;
  frames: readonly FrameId[];
  /** Who wrote it: cross-validation never trains and tests on one group. */
  group: string;
}

export interface Hyperparameters {
  epochs: number;
  learningRate: number;
  l2: number;
  /** A feature enters the vocabulary when at least this many training posts have it. */
  minCount: number;
  /** Loss weight of positive frame examples. */
  positiveWeight: number;
  seed: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = { epochs: 25, learningRate: 0.3, l2: 1e-4, minCount: 2, positiveWeight: 1, seed: 7 };

export interface PreparedPost {
  post: TrainingPost;
  features: Features;
  labels: Uint8Array;
  /** What the rules concluded: the decision combines it with the model. */
  rules: RuleVerdict;
  lang: string;
}

export function prepare(posts: readonly TrainingPost[], rules: RuleClassifier): PreparedPost[] {
  const extractor = new FeatureExtractor({ ruleThresholds: rules.thresholds });
  return posts.map((post) => {
    const labels = new Uint8Array(HEADS.length);
    labels[0] = post.onTopic ? 1 : 0;
    if (post.onTopic) for (const f of post.frames) labels[1 + FRAME_IDS.indexOf(f)] = 1;
    const analysis = rules.analyze(post.text);
    return { post, features: extractor.extract(analysis), labels, rules: ruleVerdict(analysis), lang: analysis.lang };
  });
}

/** Trains on `train`; thresholds are given (from cross-validation) or 0.5. */
export function fit(train: readonly PreparedPost[], hp: Hyperparameters, thresholds?: readonly number[]): FrameModel {
  const counts = new Map<string, number>();
  for (const p of train) for (const name of p.features.names) counts.set(name, (counts.get(name) ?? 0) + 1);
  // Rule features always stay: they carry the analysts' cues even when rare in training.
  const vocabulary = [...counts].filter(([name, n]) => n >= hp.minCount || name.startsWith('r:')).map(([name]) => name).sort();
  const index = new Map(vocabulary.map((name, i) => [name, i]));
  const samples: Sample[] = train.map((p) => {
    const rows: number[] = [];
    const values: number[] = [];
    p.features.names.forEach((name, k) => {
      const r = index.get(name);
      if (r === undefined) return;
      rows.push(r);
      values.push(p.features.values[k]!);
    });
    return { rows: Int32Array.from(rows), values: Float32Array.from(values), labels: p.labels };
  });
  const weights = trainLogistic(samples, {
    features: vocabulary.length,
    heads: HEADS.length,
    epochs: hp.epochs,
    learningRate: hp.learningRate,
    l2: hp.l2,
    seed: hp.seed,
    positiveWeight: HEADS.map((_, h) => (h === 0 ? 1 : hp.positiveWeight)),
  });
  return new FrameModel(vocabulary, weights, thresholds ?? HEADS.map(() => 0.5), 'unsaved');
}

export interface CrossValidation {
  /** Per post, in input order: the probabilities of the fold that did not train on it. */
  probabilities: Float64Array[];
  /** The fold model that predicted each post (for evaluating with the real classifier). */
  foldOf: number[];
  models: FrameModel[];
  thresholds: number[];
}

/** Leave-one-group-out: each group is predicted by a model trained on all the others. */
export function crossValidate(prepared: readonly PreparedPost[], hp: Hyperparameters): CrossValidation {
  const groups = [...new Set(prepared.map((p) => p.post.group))].sort();
  const probabilities: Float64Array[] = new Array(prepared.length);
  const foldOf: number[] = new Array(prepared.length);
  const models: FrameModel[] = [];
  groups.forEach((group, fold) => {
    const model = fit(prepared.filter((p) => p.post.group !== group), hp);
    models.push(model);
    prepared.forEach((p, i) => {
      if (p.post.group !== group) return;
      probabilities[i] = model.predict(p.features);
      foldOf[i] = fold;
    });
  });
  return { probabilities, foldOf, models, thresholds: chooseThresholds(prepared, probabilities) };
}

/**
 * Thresholds for the decision as classify() makes it (decide()): the topic
 * threshold maximizes topic F1; each frame's threshold maximizes that frame's
 * F1 given the topic decision and the stance veto.
 */
export function chooseThresholds(prepared: readonly PreparedPost[], probabilities: readonly Float64Array[]): number[] {
  const open = HEADS.map(() => 0);
  const topic = bestThreshold(
    probabilities.map((p, i) => (prepared[i]!.rules.hasWords ? (prepared[i]!.rules.onTopic ? 1 : p[0]!) : 0)),
    prepared.map((p) => p.labels[0]!),
  ).threshold;
  const thresholds = [topic];
  const decided = probabilities.map((p, i) => decide(p, [topic, ...open.slice(1)], prepared[i]!.rules));
  for (let h = 1; h < HEADS.length; h++) {
    const scores = probabilities.map((p, i) => (decided[i]!.frames.includes(h - 1) ? p[h]! : 0));
    thresholds.push(bestThreshold(scores, prepared.map((p) => p.labels[h]!)).threshold);
  }
  return thresholds;
}
