import { describe, expect, it } from 'vitest';
import { detectSilences, detectSpikes, isFirstSeenInWindow, type WeekCounts } from '../../services/trends/events.ts';
import { addDays } from '../../services/trends/days.ts';

function weeks(shares: Array<[number, number]>, start = '2025-01-06'): WeekCounts[] {
  return shares.map(([framed, onTopic], i) => ({ t: addDays(start, 7 * i), framed, onTopic }));
}

describe('detectSpikes', () => {
  const opts = { k: 3, baselineWeeks: 4, minPosts: 5, minBaselineWeeks: 3, sdFloor: 0.02 };

  it('flags a week whose share exceeds mean + k sd of the previous weeks', () => {
    // Baseline shares 0.10, 0.12, 0.08, 0.10 (mean 0.1, sd ~0.0141 -> floor 0.02): threshold 0.16.
    const series = weeks([[10, 100], [12, 100], [8, 100], [10, 100], [30, 100], [16, 100]]);
    const spikes = detectSpikes(series, '2025-01-01', '2025-03-01', opts);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ t: '2025-02-03', share: 0.3, framed: 30, onTopic: 100 });
    expect(spikes[0]!.baselineMean).toBeCloseTo(0.1, 12);
    expect(spikes[0]!.threshold).toBeCloseTo(0.16, 12);
  });

  it('uses the real sd when it exceeds the floor, so a noisy baseline needs a bigger jump', () => {
    const series = weeks([[0, 100], [40, 100], [0, 100], [40, 100], [55, 100]]);
    // mean 0.2, sd 0.2: threshold 0.8.
    expect(detectSpikes(series, '2025-01-01', '2025-03-01', opts)).toEqual([]);
  });

  it('needs minPosts framed posts, enough baseline weeks, and the week inside the window', () => {
    expect(detectSpikes(weeks([[1, 100], [1, 100], [1, 100], [1, 100], [4, 4]]), '2025-01-01', '2025-03-01', opts)).toEqual([]);
    expect(detectSpikes(weeks([[0, 0], [0, 0], [10, 100], [10, 100], [50, 100]]), '2025-01-01', '2025-03-01', opts)).toEqual([]);
    const spiky = weeks([[10, 100], [10, 100], [10, 100], [10, 100], [50, 100]]);
    expect(detectSpikes(spiky, '2025-01-01', '2025-02-03', opts)).toEqual([]);
    expect(detectSpikes(spiky, '2025-02-03', '2025-02-04', opts)).toHaveLength(1);
  });
});

describe('isFirstSeenInWindow', () => {
  it('needs the first day in the window and an earlier on-topic day (no backfill noise)', () => {
    expect(isFirstSeenInWindow({ frame: 'denial', firstDay: '2025-02-10', topicFirstDay: '2025-01-01' }, '2025-02-01', '2025-03-01')).toBe(true);
    expect(isFirstSeenInWindow({ frame: 'denial', firstDay: '2025-02-10', topicFirstDay: '2025-02-10' }, '2025-02-01', '2025-03-01')).toBe(false);
    expect(isFirstSeenInWindow({ frame: 'denial', firstDay: '2025-03-01', topicFirstDay: '2025-01-01' }, '2025-02-01', '2025-03-01')).toBe(false);
    expect(isFirstSeenInWindow({ frame: 'denial', firstDay: '2025-02-10', topicFirstDay: null }, '2025-02-01', '2025-03-01')).toBe(false);
  });
});

describe('detectSilences', () => {
  const opts = { baselineWeeks: 4, windowWeeks: 2, minActiveWeeks: 3 };

  it('finds channels regular on the topic with nothing on it in the window, and says whether they still post', () => {
    const silences = detectSilences([
      { channelId: 1, onTopicByWeek: [2, 3, 0, 1, 0, 0], postsInWindow: 9, lastOnTopicDay: '2025-02-20' },
      { channelId: 2, onTopicByWeek: [2, 3, 4, 1, 0, 1], postsInWindow: 9, lastOnTopicDay: '2025-03-05' },
      { channelId: 3, onTopicByWeek: [2, 0, 0, 1, 0, 0], postsInWindow: 0, lastOnTopicDay: '2025-02-20' },
      { channelId: 4, onTopicByWeek: [5, 5, 5, 5, 0, 0], postsInWindow: 0, lastOnTopicDay: '2025-02-27' },
    ], opts);
    expect(silences).toEqual([
      { channelId: 1, since: '2025-02-21', lastOnTopicDay: '2025-02-20', activeWeeks: 3, baselinePosts: 6, stillPosting: true },
      { channelId: 4, since: '2025-02-28', lastOnTopicDay: '2025-02-27', activeWeeks: 4, baselinePosts: 20, stillPosting: false },
    ]);
  });
});
