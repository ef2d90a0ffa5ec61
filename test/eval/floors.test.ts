// CI floors on the held-out TEST split: the build fails when the classifier
// does worse than this on posts it was not tuned on. The floors sit a little
// under what the shipped classifier (rules + trained model, fw-2.0.0-0d12680ca990)
// measured in its single evaluation run on the test split (docs/classifier.md):
//   macro-F1 0.864, topic-gate F1 0.980, invented-frame rate 0.075, per frame below.
// (The rule engine alone measured macro-F1 0.613 there.)
// Raise them when the classifier improves; never lower them to make a change pass.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type FrameId } from '../../services/classifier/index.ts';
import { DATA_DIR, evaluate, loadLabeled, type Report } from './evaluate.ts';

const FLOORS = {
  macroF1: 0.84,
  topicF1: 0.96,
  maxInventedRate: 0.11,
  frameF1: {
    denial: 0.8,
    western_pretext: 0.82,
    berserker_praise: 0.81,
    incompetence: 0.82,
    kidnapping: 0.91,
    alliance_legitimation: 0.87,
    cannon_fodder: 0.79,
  } satisfies Record<FrameId, number>,
};

const TEST_DIR = join(DATA_DIR, 'test');

describe('evaluation floors on the held-out test split', () => {
  let report: Report;
  beforeAll(() => {
    expect(existsSync(TEST_DIR), `${TEST_DIR} must hold the labeled test split`).toBe(true);
    report = evaluate(createClassifier(), loadLabeled(TEST_DIR));
  });

  it('covers the whole test split in three languages', () => {
    expect(report.posts).toBeGreaterThanOrEqual(400);
    expect(Object.keys(report.languages).sort()).toEqual(['en', 'ru', 'uk']);
  });

  it(`macro-F1 over the seven frames stays at or above ${FLOORS.macroF1}`, () => {
    expect(report.macroF1).toBeGreaterThanOrEqual(FLOORS.macroF1);
  });

  it(`topic-gate F1 stays at or above ${FLOORS.topicF1}`, () => {
    expect(report.topic.f1).toBeGreaterThanOrEqual(FLOORS.topicF1);
  });

  it(`frames invented on frameless on-topic posts stay at or below ${FLOORS.maxInventedRate}`, () => {
    expect(report.inventedRate).toBeLessThanOrEqual(FLOORS.maxInventedRate);
  });

  for (const [frame, floor] of Object.entries(FLOORS.frameF1) as Array<[FrameId, number]>) {
    it(`${frame} F1 stays at or above ${floor}`, () => {
      expect(report.frames[frame].f1).toBeGreaterThanOrEqual(floor);
    });
  }
});
