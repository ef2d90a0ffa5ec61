// CI floors on the held-out sets: the build fails when the classifier does
// worse than this on posts it was not tuned on. The floors sit a little under
// what the shipped classifier (rules + trained model, fw-2.0.0-7e7fba5ff6b0)
// measured on them (docs/classifier.md):
//   test split (the dev writer's held-out half): macro-F1 0.890, topic-gate
//   F1 0.991, invented-frame rate 0.094, per frame below;
//   samples (825 posts of the demo channels, another writer): macro-F1
//   0.784, topic-gate F1 0.957.
// (The rule engine alone measured macro-F1 0.613 on test and 0.483 on samples.)
// Raise them when the classifier improves; never lower them to make a change pass.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, type FrameId } from '../../services/classifier/index.ts';
import { DATA_DIR, evaluate, loadLabeled, type Report } from './evaluate.ts';

const FLOORS = {
  macroF1: 0.87,
  topicF1: 0.97,
  maxInventedRate: 0.12,
  frameF1: {
    denial: 0.84,
    western_pretext: 0.87,
    berserker_praise: 0.86,
    incompetence: 0.86,
    kidnapping: 0.92,
    alliance_legitimation: 0.89,
    cannon_fodder: 0.84,
  } satisfies Record<FrameId, number>,
};

const SAMPLES_FLOORS = { macroF1: 0.76, topicF1: 0.94 };

const TEST_DIR = join(DATA_DIR, 'test');
const SAMPLES_DIR = join(DATA_DIR, 'samples');

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

describe('evaluation floors on the demo channels\' posts (a second writer, held out)', () => {
  let report: Report;
  beforeAll(() => {
    report = evaluate(createClassifier(), loadLabeled(SAMPLES_DIR));
  });

  it('covers the labeled sample posts', () => {
    expect(report.posts).toBeGreaterThanOrEqual(800);
  });

  it(`macro-F1 stays at or above ${SAMPLES_FLOORS.macroF1} and topic-gate F1 at or above ${SAMPLES_FLOORS.topicF1}`, () => {
    expect(report.macroF1).toBeGreaterThanOrEqual(SAMPLES_FLOORS.macroF1);
    expect(report.topic.f1).toBeGreaterThanOrEqual(SAMPLES_FLOORS.topicF1);
  });
});
