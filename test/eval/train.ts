// `npm run train [-- --grid] [--dry-run]`: trains the frame model on the
// labeled TRAIN split (test/eval/data/train; never dev-tuned rules' dev set,
// never the held-out test or samples sets), reports leave-one-writer-out
// cross-validation, and writes config/model/frames-model.json.
//   --grid     also searches the hyperparameters (by cross-validated macro-F1)
//   --dry-run  report only; do not write the model
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { decide } from '../../services/classifier/classifier.ts';
import { createRuleClassifier, DEFAULT_MODEL_FILE, FRAME_IDS, HEADS } from '../../services/classifier/index.ts';
import { crossValidate, DEFAULT_HYPERPARAMETERS, fit, prepare, type Hyperparameters, type PreparedPost } from '../../services/classifier/training/pipeline.ts';
import { DATA_DIR, formatReport, loadLabeled, score, type LabeledPost, type Prediction, type Report } from './evaluate.ts';

const { values } = parseArgs({ options: { grid: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false } } });

const TRAIN_DIR = join(DATA_DIR, 'train');
const rules = createRuleClassifier();
const labeled: LabeledPost[] = loadLabeled(TRAIN_DIR);
// Writer groups: tr-ru-a.jsonl → "a". The letter is one writer per language;
// holding a letter out holds out that writer in all three languages.
const groupOf = (p: LabeledPost) => basename(p.source.split(':')[0]!, '.jsonl').split('-').slice(2).join('-');
const started = Date.now();
const prepared = prepare(labeled.map((p) => ({ text: p.text, onTopic: p.onTopic, frames: p.frames, group: groupOf(p) })), rules);
console.log(`${labeled.length} training posts, groups ${[...new Set(prepared.map((p) => p.post.group))].join(', ')}; features in ${Date.now() - started} ms`);

function oofReport(hp: Hyperparameters): { report: Report; thresholds: number[] } {
  const cv = crossValidate(prepared, hp);
  const predictions: Prediction[] = prepared.map((p, i) => toPrediction(labeled[i]!, p, cv.probabilities[i]!, cv.thresholds));
  return { report: score(predictions), thresholds: cv.thresholds };
}

function toPrediction(post: LabeledPost, p: PreparedPost, probabilities: Float64Array, thresholds: readonly number[]): Prediction {
  const { onTopic, frames } = decide(probabilities, thresholds, p.rules);
  return { post, lang: p.lang, onTopic, frames: frames.map((f) => FRAME_IDS[f]!) };
}

let hp = DEFAULT_HYPERPARAMETERS;
if (values.grid) {
  let best = { macro: -1, hp };
  for (const epochs of [15, 25]) {
    for (const l2 of [1e-5, 1e-4, 3e-4]) {
      for (const learningRate of [0.3, 0.6]) {
        for (const positiveWeight of [1, 2]) {
          const candidate = { ...DEFAULT_HYPERPARAMETERS, epochs, l2, learningRate, positiveWeight };
          const { report } = oofReport(candidate);
          console.log(`epochs ${epochs} l2 ${l2} lr ${learningRate} pos ${positiveWeight}: macro ${report.macroF1.toFixed(3)} topic ${report.topic.f1.toFixed(3)}`);
          if (report.macroF1 > best.macro) best = { macro: report.macroF1, hp: candidate };
        }
      }
    }
  }
  hp = best.hp;
  console.log(`best: ${JSON.stringify(hp)}`);
}

const { report, thresholds } = oofReport(hp);
console.log(formatReport('cross-validation, each writer predicted by a model trained without them', report));
console.log(`thresholds: ${HEADS.map((h, i) => `${h} ${thresholds[i]}`).join(', ')}`);

const model = fit(prepared, hp, thresholds);
const trainingFiles = readdirSync(TRAIN_DIR).filter((n) => n.endsWith('.jsonl')).sort();
const dataHash = createHash('sha256');
for (const f of trainingFiles) dataHash.update(readFileSync(join(TRAIN_DIR, f)));
const file = model.toFile({
  posts: labeled.length,
  files: trainingFiles,
  dataSha256: dataHash.digest('hex'),
  rules: rules.version,
  hyperparameters: hp,
  crossValidation: { macroF1: round(report.macroF1), topicF1: round(report.topic.f1), inventedRate: round(report.inventedRate), frameF1: Object.fromEntries(FRAME_IDS.map((f) => [f, round(report.frames[f].f1)])) },
});
console.log(`model: ${model.features.length} features × ${HEADS.length} heads`);
if (!values['dry-run']) {
  writeFileSync(DEFAULT_MODEL_FILE, `${JSON.stringify(file)}\n`);
  console.log(`wrote ${DEFAULT_MODEL_FILE}`);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
