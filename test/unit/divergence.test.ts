import { describe, expect, it } from 'vitest';
import { compareAudiences, jensenShannon, normalize, type AudienceTotals } from '../../services/trends/divergence.ts';

const w = (posts: number, views = posts * 10, reach = posts * 100) => ({ posts, views, reach });

describe('Jensen-Shannon divergence', () => {
  it('is 0 for identical, 1 for disjoint distributions, symmetric, and matches a hand computation', () => {
    expect(jensenShannon([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(jensenShannon([1, 0], [0, 1])).toBe(1);
    const p = [0.7, 0.2, 0.1];
    const q = [0.1, 0.3, 0.6];
    expect(jensenShannon(p, q)).toBeCloseTo(jensenShannon(q, p), 12);
    // m = [0.4, 0.25, 0.35]
    const kl = (a: number[], m: number[]) => a.reduce((s, x, i) => s + (x > 0 ? x * Math.log2(x / m[i]!) : 0), 0);
    const m = [0.4, 0.25, 0.35];
    expect(jensenShannon(p, q)).toBeCloseTo(0.5 * kl(p, m) + 0.5 * kl(q, m), 12);
    expect(jensenShannon(p, q)).toBeGreaterThan(0.3);
    expect(() => jensenShannon([1], [0.5, 0.5])).toThrow(RangeError);
  });

  it('normalizes weights, or says there is no distribution', () => {
    expect(normalize([1, 3])).toEqual([0.25, 0.75]);
    expect(normalize([0, 0])).toBeNull();
  });
});

describe('compareAudiences', () => {
  const totals: AudienceTotals[] = [
    { audience: 'ru', all: w(100), onTopic: w(40), frames: { denial: w(20), kidnapping: w(10) } },
    { audience: 'ua', all: w(50), onTopic: w(10), frames: { denial: w(2), cannon_fodder: w(8, 70, 0) } },
    { audience: 'west', all: w(30), onTopic: w(0), frames: {} },
  ];
  const frames = ['denial', 'kidnapping', 'cannon_fodder'];

  it('gives each audience its shares of on-topic posts and its frame distribution', () => {
    const { audiences } = compareAudiences(totals, frames, 'none');
    expect(audiences[0]).toEqual({
      audience: 'ru', posts: 100, onTopic: 40, topicShare: 0.4,
      frames: [
        { frame: 'denial', posts: 20, share: 0.5, probability: 20 / 30 },
        { frame: 'kidnapping', posts: 10, share: 0.25, probability: 10 / 30 },
        { frame: 'cannon_fodder', posts: 0, share: 0, probability: 0 },
      ],
    });
    expect(audiences[2]!.frames.every((f) => f.share === 0 && f.probability === 0)).toBe(true);
  });

  it('compares every pair: JSD of the distributions, share differences largest first, null JSD without tags', () => {
    const { pairs } = compareAudiences(totals, frames, 'none');
    expect(pairs.map((p) => [p.a, p.b])).toEqual([['ru', 'ua'], ['ru', 'west'], ['ua', 'west']]);
    const ruUa = pairs[0]!;
    expect(ruUa.jsd).toBeCloseTo(jensenShannon([2 / 3, 1 / 3, 0], [0.2, 0, 0.8]), 12);
    expect(ruUa.differences).toEqual([
      { frame: 'cannon_fodder', difference: -0.8 },
      { frame: 'denial', difference: 0.3 },
      { frame: 'kidnapping', difference: 0.25 },
    ]);
    expect(pairs[1]!.jsd).toBeNull();
  });

  it('weights by views or subscriber reach when asked', () => {
    const { audiences } = compareAudiences(totals, frames, 'subscribers');
    // ua: cannon_fodder reach 0 of on-topic reach 1000.
    expect(audiences[1]!.frames.find((f) => f.frame === 'cannon_fodder')).toMatchObject({ share: 0, probability: 0, posts: 8 });
    const byViews = compareAudiences(totals, frames, 'views');
    // ua: on-topic views 100, cannon_fodder views 70.
    expect(byViews.audiences[1]!.frames.find((f) => f.frame === 'cannon_fodder')!.share).toBe(0.7);
  });
});
