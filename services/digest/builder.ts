// The weekly digest: a pure function from plain data read from the rollups
// (services/digest/service.ts reads it through the trends service, so every
// share here is the one GET /v1/trends?bucket=week&metric=share reports) to
// a subject, a text and an HTML body.
import { escapeHtml } from '../html.ts';

export interface WeekShare {
  /** Framed posts / on-topic posts of the audience that week (0 when no on-topic post). */
  share: number;
  /** Framed posts. */
  posts: number;
  /** On-topic posts (the share's denominator). */
  base: number;
}

export interface AudienceWeekData {
  audience: string;
  frames: Array<{ frame: string; thisWeek: WeekShare; previousWeek: WeekShare }>;
}

export interface DigestChannel {
  id: number;
  label: string;
  posts: number;
}

export interface DigestExamplePost {
  channelLabel: string;
  url: string | null;
  postedAt: string;
  excerpt: string;
}

export interface DigestInput {
  /** Monday of the ISO week. */
  week: string;
  previousWeek: string;
  frameLabels: Readonly<Record<string, string>>;
  audienceLabels: Readonly<Record<string, string>>;
  audiences: AudienceWeekData[];
  /** Frames first seen in an audience or channel during the week. */
  firstSeen: Array<{ frame: string; scope: 'audience' | 'channel' | 'all'; where: string; day: string }>;
  /** For each rising (audience, frame): its top channels and a few example posts that week. */
  details: Array<{ audience: string; frame: string; topChannels: DigestChannel[]; examples: DigestExamplePost[] }>;
}

export interface FrameShift {
  frame: string;
  thisWeek: WeekShare;
  previousWeek: WeekShare;
  /** thisWeek.share - previousWeek.share, in share units. */
  shift: number;
}

export interface AudienceDigest {
  audience: string;
  onTopicPosts: number;
  previousOnTopicPosts: number;
  /** Biggest absolute shift first; frames with no post in either week left out. */
  shifts: FrameShift[];
}

export interface Digest {
  week: string;
  subject: string;
  text: string;
  html: string;
  audiences: AudienceDigest[];
  /** (audience, frame) pairs whose share rose, biggest rise first. */
  rising: Array<{ audience: string; frame: string; shift: number }>;
}

/** How many rising frames per audience get top channels and examples. */
export const RISING_PER_AUDIENCE = 3;

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function points(shift: number): string {
  const pp = shift * 100;
  return `${pp >= 0 ? '+' : '−'}${Math.abs(pp).toFixed(1)} pp`;
}

/** Rising frames of an audience: share up and at least one framed post this week, biggest rise first. */
export function risingFrames(a: AudienceDigest, limit = RISING_PER_AUDIENCE): FrameShift[] {
  return a.shifts.filter((s) => s.shift > 0 && s.thisWeek.posts > 0).sort((x, y) => y.shift - x.shift || x.frame.localeCompare(y.frame)).slice(0, limit);
}

export function buildDigest(input: DigestInput): Digest {
  const audiences: AudienceDigest[] = input.audiences.map((a) => {
    const shifts = a.frames
      .filter((f) => f.thisWeek.posts > 0 || f.previousWeek.posts > 0)
      .map((f) => ({ frame: f.frame, thisWeek: f.thisWeek, previousWeek: f.previousWeek, shift: f.thisWeek.share - f.previousWeek.share }))
      .sort((x, y) => Math.abs(y.shift) - Math.abs(x.shift) || x.frame.localeCompare(y.frame));
    return {
      audience: a.audience,
      // Every frame's share has the same denominator: the audience's on-topic posts.
      onTopicPosts: a.frames[0]?.thisWeek.base ?? 0,
      previousOnTopicPosts: a.frames[0]?.previousWeek.base ?? 0,
      shifts,
    };
  });
  const rising = audiences
    .flatMap((a) => risingFrames(a).map((s) => ({ audience: a.audience, frame: s.frame, shift: s.shift })))
    .sort((x, y) => y.shift - x.shift || x.audience.localeCompare(y.audience) || x.frame.localeCompare(y.frame));

  const frameName = (f: string) => input.frameLabels[f] ?? f;
  const audienceName = (a: string) => input.audienceLabels[a] ?? a;
  const top = rising[0];
  const subject = top
    ? `framewatch weekly digest, week of ${input.week}: ${frameName(top.frame)} ${points(top.shift)} in ${audienceName(top.audience)}`
    : `framewatch weekly digest, week of ${input.week}`;

  const details = new Map(input.details.map((d) => [`${d.audience}|${d.frame}`, d]));
  const text: string[] = [`framewatch weekly digest: week of ${input.week} (compared with the week of ${input.previousWeek})`, ''];
  const html: string[] = [
    `<h1>framewatch weekly digest</h1>`,
    `<p>Week of ${input.week}, compared with the week of ${input.previousWeek}. Shares are framed posts per on-topic post of the audience.</p>`,
  ];

  // Audiences without a single on-topic post in either week get one line together, not a section each.
  const silent = audiences.filter((a) => a.onTopicPosts === 0 && a.previousOnTopicPosts === 0);
  for (const a of audiences.filter((x) => !silent.includes(x))) {
    text.push(`== ${audienceName(a.audience)}: ${a.onTopicPosts} on-topic posts (previous week ${a.previousOnTopicPosts})`);
    html.push(`<h2>${escapeHtml(audienceName(a.audience))}</h2>`, `<p>${a.onTopicPosts} on-topic posts (previous week ${a.previousOnTopicPosts}).</p>`);
    if (a.shifts.length === 0) {
      text.push('   no framed posts in either week', '');
      html.push('<p>No framed posts in either week.</p>');
      continue;
    }
    html.push('<table><tr><th>frame</th><th>this week</th><th>previous week</th><th>shift</th></tr>');
    for (const s of a.shifts) {
      text.push(`   ${frameName(s.frame)}: ${percent(s.thisWeek.share)} (${s.thisWeek.posts} posts), was ${percent(s.previousWeek.share)} (${s.previousWeek.posts}), ${points(s.shift)}`);
      html.push(`<tr><td>${escapeHtml(frameName(s.frame))}</td><td>${percent(s.thisWeek.share)} (${s.thisWeek.posts})</td><td>${percent(s.previousWeek.share)} (${s.previousWeek.posts})</td><td>${points(s.shift)}</td></tr>`);
    }
    html.push('</table>');
    for (const r of risingFrames(a)) {
      const d = details.get(`${a.audience}|${r.frame}`);
      if (!d) continue;
      text.push(`   rising: ${frameName(r.frame)}`);
      html.push(`<h3>Rising: ${escapeHtml(frameName(r.frame))}</h3>`);
      if (d.topChannels.length > 0) {
        text.push(`     top channels: ${d.topChannels.map((c) => `${c.label} (${c.posts})`).join(', ')}`);
        html.push(`<p>Top channels: ${d.topChannels.map((c) => `${escapeHtml(c.label)} (${c.posts})`).join(', ')}</p>`);
      }
      if (d.examples.length > 0) html.push('<ul>');
      for (const e of d.examples) {
        text.push(`     - ${e.channelLabel}, ${e.postedAt.slice(0, 10)}: ${e.excerpt}${e.url ? ` ${e.url}` : ''}`);
        const label = `${escapeHtml(e.channelLabel)}, ${e.postedAt.slice(0, 10)}`;
        html.push(`<li>${e.url ? `<a href="${escapeHtml(e.url)}">${label}</a>` : label}: ${escapeHtml(e.excerpt)}</li>`);
      }
      if (d.examples.length > 0) html.push('</ul>');
    }
    text.push('');
  }

  if (silent.length > 0) {
    const names = silent.map((a) => audienceName(a.audience)).join(', ');
    text.push(`== No on-topic posts in either week: ${names}`, '');
    html.push(`<p>No on-topic posts in either week: ${escapeHtml(names)}.</p>`);
  }

  text.push('== First seen this week');
  html.push('<h2>First seen this week</h2>');
  if (input.firstSeen.length === 0) {
    text.push('   no frame appeared anywhere for the first time');
    html.push('<p>No frame appeared anywhere for the first time.</p>');
  } else {
    html.push('<ul>');
    for (const f of input.firstSeen) {
      text.push(`   ${frameName(f.frame)} in ${f.where} on ${f.day}`);
      html.push(`<li>${escapeHtml(frameName(f.frame))} in ${escapeHtml(f.where)} on ${f.day}</li>`);
    }
    html.push('</ul>');
  }
  return { week: input.week, subject, text: `${text.join('\n')}\n`, html: html.join('\n'), audiences, rising };
}
