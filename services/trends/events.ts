// Events derived from the rollups (GET /v1/events). Pure; the definitions
// are in docs/api.md:
// - frame.first_seen: a frame appears in a channel (or an audience) for the
//   first time, on a day inside the window, after that channel (audience) had
//   already been on topic on an earlier day. The last condition keeps a newly
//   added channel's backfill from announcing every frame it ever used.
// - frame.spike: a week whose share of a frame exceeds the mean + k standard
//   deviations of the previous N weeks' shares, with at least minPosts framed
//   posts that week. The standard deviation has a floor so a flat baseline
//   (sd 0) does not turn a one-post wobble into a spike.
// - channel.silent: a channel that was on topic in at least minActiveWeeks of
//   the baselineWeeks weeks before the window, and has no on-topic post in
//   the window (the last windowWeeks weeks before `to`).
import { addDays } from './days.ts';

export interface FirstSeenCandidate {
  frame: string;
  /** First day the frame was tagged in this channel or audience. */
  firstDay: string;
  /** First day this channel or audience had any on-topic post; null if never. */
  topicFirstDay: string | null;
}

export function isFirstSeenInWindow(c: FirstSeenCandidate, from: string, to: string): boolean {
  return c.firstDay >= from && c.firstDay < to && c.topicFirstDay !== null && c.topicFirstDay < c.firstDay;
}

export interface WeekCounts {
  /** Week start (Monday). */
  t: string;
  framed: number;
  onTopic: number;
}

export interface SpikeOptions {
  /** Standard deviations above the baseline mean. */
  k: number;
  /** Weeks of baseline before each week tested. */
  baselineWeeks: number;
  /** Framed posts the week needs at least. */
  minPosts: number;
  /** Baseline weeks with on-topic posts needed to judge at all. */
  minBaselineWeeks: number;
  /** Lowest standard deviation used, in share units. */
  sdFloor: number;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = { k: 3, baselineWeeks: 8, minPosts: 5, minBaselineWeeks: 4, sdFloor: 0.02 };

export interface Spike {
  t: string;
  share: number;
  framed: number;
  onTopic: number;
  baselineMean: number;
  baselineSd: number;
  threshold: number;
}

/**
 * Spikes among `weeks` (consecutive weeks, oldest first, including the
 * baseline before the window) whose start lies in [from, to).
 */
export function detectSpikes(weeks: readonly WeekCounts[], from: string, to: string, opts: SpikeOptions = DEFAULT_SPIKE_OPTIONS): Spike[] {
  const spikes: Spike[] = [];
  weeks.forEach((week, i) => {
    if (week.t < from || week.t >= to || week.onTopic === 0 || week.framed < opts.minPosts) return;
    const baseline = weeks
      .slice(Math.max(0, i - opts.baselineWeeks), i)
      .filter((w) => w.onTopic > 0)
      .map((w) => w.framed / w.onTopic);
    if (baseline.length < opts.minBaselineWeeks) return;
    const mean = baseline.reduce((s, x) => s + x, 0) / baseline.length;
    const sd = Math.sqrt(baseline.reduce((s, x) => s + (x - mean) ** 2, 0) / baseline.length);
    const threshold = mean + opts.k * Math.max(sd, opts.sdFloor);
    const share = week.framed / week.onTopic;
    if (share > threshold) {
      spikes.push({ t: week.t, share, framed: week.framed, onTopic: week.onTopic, baselineMean: mean, baselineSd: sd, threshold });
    }
  });
  return spikes;
}

export interface SilenceOptions {
  baselineWeeks: number;
  windowWeeks: number;
  minActiveWeeks: number;
}

export const DEFAULT_SILENCE_OPTIONS: SilenceOptions = { baselineWeeks: 8, windowWeeks: 2, minActiveWeeks: 6 };

export interface ChannelActivity {
  channelId: number;
  /** On-topic posts per 7-day period, oldest first: baselineWeeks periods, then windowWeeks periods. */
  onTopicByWeek: readonly number[];
  /** Posts of any kind in the window. */
  postsInWindow: number;
  lastOnTopicDay: string | null;
}

export interface Silence {
  channelId: number;
  /** The day after the last on-topic post. */
  since: string;
  lastOnTopicDay: string;
  activeWeeks: number;
  baselinePosts: number;
  /** Still posting, just not about the topic. */
  stillPosting: boolean;
}

export function detectSilences(channels: readonly ChannelActivity[], opts: SilenceOptions = DEFAULT_SILENCE_OPTIONS): Silence[] {
  const out: Silence[] = [];
  for (const c of channels) {
    const baseline = c.onTopicByWeek.slice(0, opts.baselineWeeks);
    const window = c.onTopicByWeek.slice(opts.baselineWeeks, opts.baselineWeeks + opts.windowWeeks);
    const activeWeeks = baseline.filter((n) => n > 0).length;
    if (activeWeeks < opts.minActiveWeeks || window.some((n) => n > 0) || c.lastOnTopicDay === null) continue;
    out.push({
      channelId: c.channelId,
      since: addDays(c.lastOnTopicDay, 1),
      lastOnTopicDay: c.lastOnTopicDay,
      activeWeeks,
      baselinePosts: baseline.reduce((s, n) => s + n, 0),
      stillPosting: c.postsInWindow > 0,
    });
  }
  return out;
}
