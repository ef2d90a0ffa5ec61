// The trained component: feature extraction, the logistic trainer, the model
// file, the decision that combines model and rules, and the evidence of tags.
import { describe, expect, it } from 'vitest';
import { decide, STANCE_VETO, type RuleVerdict } from '../../../services/classifier/classifier.ts';
import { createClassifier, createRuleClassifier, FeatureExtractor, FRAME_IDS, FrameModel, HEADS, loadModel, ModelError } from '../../../services/classifier/index.ts';
import { bestThreshold, trainLogistic, type Sample } from '../../../services/classifier/training/logistic.ts';
import { DATA_DIR, loadLabeled } from '../../eval/evaluate.ts';
import { join } from 'node:path';

const rules = createRuleClassifier();
const extractor = new FeatureExtractor({ ruleThresholds: rules.thresholds });
const names = (text: string) => extractor.extract(rules.analyze(text)).names;

describe('features', () => {
  it('pairs stay within a sentence', () => {
    const f = names('Корейцы наступают. Фейк полный.');
    expect(f.some((n) => n.startsWith('b:') && n.includes('наступа') && n.includes('фейк'))).toBe(false);
    expect(f.filter((n) => n.startsWith('b:'))).toHaveLength(2);
  });

  it('marks scare-quoted words and the words a negator governs', () => {
    const quoted = names('Пропагандисты пишут про «берсерков» из КНДР.');
    expect(quoted.filter((n) => n.startsWith('q:'))).toEqual([expect.stringMatching(/^q:берсерк/)]);
    const negated = names('The troops are not cannon fodder.');
    expect(negated).toContain('n:cannon');
    expect(negated).not.toContain('n:troop');
  });

  it('a frame cue weakened by stance shows as weakened, not as a score', () => {
    const f = extractor.extract(rules.analyze('Пропагандисты утверждают, что «никаких корейцев в Курской области нет». На самом деле их присутствие подтвердили разведки трёх стран.'));
    const at = (name: string) => f.values[f.names.indexOf(name)] ?? 0;
    expect(at('r:weakened:denial')).toBeGreaterThan(0.5);
    expect(at('r:tag:denial')).toBe(0);
  });
});

describe('logistic trainer', () => {
  // Head 0 fires on feature 0, head 1 on feature 1; feature 2 is a bias.
  const samples: Sample[] = [];
  for (let i = 0; i < 200; i++) {
    const a = i % 2;
    const b = (i >> 1) % 2;
    const rows = [2, ...(a ? [0] : []), ...(b ? [1] : [])];
    samples.push({ rows: Int32Array.from(rows), values: Float32Array.from(rows.map(() => 1)), labels: Uint8Array.of(a, b) });
  }
  const options = { features: 3, heads: 2, epochs: 20, learningRate: 0.5, l2: 0, seed: 1 };

  it('learns which feature drives which head', () => {
    const w = trainLogistic(samples, options);
    const logit = (rows: number[], h: number) => rows.reduce((a, r) => a + w[r * 2 + h]!, 0);
    expect(logit([2, 0], 0)).toBeGreaterThan(2);
    expect(logit([2], 0)).toBeLessThan(-2);
    expect(logit([2, 1], 1)).toBeGreaterThan(2);
    expect(logit([2, 0], 1)).toBeLessThan(-2);
  });

  it('is deterministic for a seed', () => {
    expect(trainLogistic(samples, options)).toEqual(trainLogistic(samples, options));
    expect(trainLogistic(samples, { ...options, seed: 2 })).not.toEqual(trainLogistic(samples, options));
  });

  it('picks the threshold that maximizes F1', () => {
    const { threshold, f1 } = bestThreshold([0.1, 0.2, 0.35, 0.8, 0.9], [0, 0, 1, 1, 1]);
    expect(f1).toBe(1);
    expect(threshold).toBeGreaterThan(0.2);
    expect(threshold).toBeLessThanOrEqual(0.35);
  });
});

describe('model file', () => {
  const model = loadModel();

  it('round-trips through its file format within quantization error', () => {
    const again = FrameModel.fromFile(JSON.parse(JSON.stringify(model.toFile())), 'copy');
    expect(again.features).toEqual(model.features);
    expect(again.thresholds).toEqual(model.thresholds);
    let worst = 0;
    for (let i = 0; i < model.weights.length; i += 97) worst = Math.max(worst, Math.abs(again.weights[i]! - model.weights[i]!));
    expect(worst).toBeLessThan(1e-3);
  });

  it('refuses a file of another format or with other heads, saying so', () => {
    const file = model.toFile();
    expect(() => FrameModel.fromFile({ ...file, format: 'something-else/9' }, 'x')).toThrow(ModelError);
    expect(() => FrameModel.fromFile({ ...file, heads: ['topic'] }, 'x')).toThrow(/heads/);
    expect(() => loadModel('/nonexistent/model.json')).toThrow(/cannot read/);
  });

  it('scores a post the same from the analysis as from named features', () => {
    for (const text of loadLabeled(join(DATA_DIR, 'dev')).slice(0, 60).map((p) => p.text)) {
      const analysis = rules.analyze(text);
      const fast = model.score(analysis, extractor).probabilities;
      const named = model.predict(extractor.extract(analysis));
      for (let h = 0; h < HEADS.length; h++) expect(fast[h]).toBeCloseTo(named[h]!, 9);
    }
  });
});

describe('decision', () => {
  const thresholds = [0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
  const verdict = (over: Partial<RuleVerdict> = {}): RuleVerdict => ({ onTopic: false, frameScores: new Float64Array(7), cueWeights: new Float64Array(7), hasWords: true, ...over });
  const p = [0.9, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.6];

  it('reports frames over their thresholds, only on topic', () => {
    expect(decide(p, thresholds, verdict())).toEqual({ onTopic: true, frames: [0, 6] });
    expect(decide([0.2, ...p.slice(1)], thresholds, verdict())).toEqual({ onTopic: false, frames: [] });
  });

  it('the rules topic cues put a post on topic the model doubted', () => {
    expect(decide([0.2, ...p.slice(1)], thresholds, verdict({ onTopic: true })).onTopic).toBe(true);
  });

  it('a post without words is never on topic', () => {
    expect(decide(p, thresholds, verdict({ hasWords: false, onTopic: true }))).toEqual({ onTopic: false, frames: [] });
  });

  it('stance vetoes a frame whose cue it cancelled', () => {
    const cancelled = verdict({ cueWeights: Float64Array.of(0.9, 0, 0, 0, 0, 0, 0), frameScores: Float64Array.of(0.9 * STANCE_VETO * 0.9, 0, 0, 0, 0, 0, 0) });
    expect(decide(p, thresholds, cancelled).frames).toEqual([6]);
    const kept = verdict({ cueWeights: Float64Array.of(0.9, 0, 0, 0, 0, 0, 0), frameScores: Float64Array.of(0.9 * STANCE_VETO * 1.1, 0, 0, 0, 0, 0, 0) });
    expect(decide(p, thresholds, kept).frames).toEqual([0, 6]);
  });
});

describe('the shipped classifier', () => {
  const classifier = createClassifier();
  const posts = loadLabeled(join(DATA_DIR, 'dev')).map((p) => p.text);

  it('every tag points at text: evidence spans are slices of the original post', () => {
    let modelOnly = 0;
    for (const text of posts) {
      const analysis = rules.analyze(text);
      for (const tag of classifier.classify(text).frames) {
        expect(tag.score).toBeGreaterThan(0);
        expect(tag.score).toBeLessThanOrEqual(1);
        expect(tag.evidence.length).toBeGreaterThan(0);
        for (const e of tag.evidence) expect(text.slice(e.start, e.end)).toBe(e.text);
        if (analysis.frameScores[FRAME_IDS.indexOf(tag.frame)] === 0) modelOnly++;
      }
    }
    // Tags the rules did not see at all exist, and they carry the model's words as evidence.
    expect(modelOnly).toBeGreaterThan(0);
  });

  it('its version names the model: another model, another version', () => {
    const model = loadModel();
    const other = new FrameModel(model.features, model.weights, model.thresholds, 'another-hash');
    expect(createClassifier({ model: other }).version).not.toBe(classifier.version);
    expect(createClassifier({ engine: 'rules' }).version).toMatch(/^fw-1\./);
    expect(classifier.version).toMatch(/^fw-2\.0\.0-[0-9a-f]{12}$/);
  });
});
