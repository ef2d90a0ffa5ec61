// Weekly digests: reads what a digest needs through the trends service (the
// same shares GET /v1/trends reports) and the rollups, hands it to the pure
// builder, and mails it through the mail adapter. Each (subscription, week)
// is sent once.
import { AUDIENCE_DEFINITIONS, FRAME_IDS, FRAMES } from '../../config/taxonomy.ts';
import { publicPostUrl } from '../channels/ref.ts';
import { AUDIENCES } from '../channels/types.ts';
import type { Db } from '../db/db.ts';
import type { Logger } from '../log.ts';
import { MailNotConfiguredError, type MailTransport } from '../mail/transport.ts';
import { addDays, periodStart } from '../trends/days.ts';
import { DEFAULT_SILENCE_OPTIONS, DEFAULT_SPIKE_OPTIONS } from '../trends/events.ts';
import { channelLabel, type TrendsService } from '../trends/service.ts';
import { topChannels } from '../trends/store.ts';
import { buildDigest, risingFrames, type Digest, type DigestInput } from './builder.ts';
import { examplePosts, recordSent, wasSent, type DigestSubscription } from './store.ts';

export interface DigestFilter {
  audiences: readonly string[] | null;
  frames: readonly string[] | null;
}

const FRAME_LABELS = Object.fromEntries(FRAMES.map((f) => [f.id, f.label]));
const AUDIENCE_LABELS: Record<string, string> = Object.fromEntries(AUDIENCE_DEFINITIONS.map((a) => [a.id, a.label]));

/** Examples and top channels per rising frame. */
const EXAMPLES = 3;
const TOP_CHANNELS = 3;
const EXCERPT_CHARS = 160;

/** Monday of the ISO week holding `day`. */
export function isoWeekStart(day: string): string {
  return periodStart(day, 'week');
}

/** The week a digest sent at `now` covers: the last complete ISO week. */
export function lastCompleteWeek(now: Date): string {
  return addDays(isoWeekStart(now.toISOString().slice(0, 10)), -7);
}

/**
 * When the digest of the week before `now`'s week is due for a subscription:
 * its weekday and hour of `now`'s week. Null when not yet due, or when the
 * subscription was created after that moment (a new subscriber starts with
 * the next digest, not with a backlog).
 */
export function dueWeek(s: Pick<DigestSubscription, 'weekday' | 'hour' | 'createdAt'>, now: Date): string | null {
  const thisWeek = isoWeekStart(now.toISOString().slice(0, 10));
  const due = new Date(`${addDays(thisWeek, s.weekday - 1)}T00:00:00Z`).getTime() + s.hour * 3_600_000;
  if (now.getTime() < due || s.createdAt.getTime() > due) return null;
  return addDays(thisWeek, -7);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat || '(media without text)';
}

export interface DigestServiceDeps {
  db: Db;
  trends: TrendsService;
  logger: Logger;
  /** Null when SMTP_URL/MAIL_FROM are not set: building works, sending refuses. */
  mail: () => MailTransport | null;
  now?: () => Date;
}

export class DigestService {
  constructor(private readonly deps: DigestServiceDeps) {}

  /** The plain data of one week's digest, read from the rollups. */
  async input(weekDay: string, filter: DigestFilter): Promise<DigestInput> {
    const { db, trends } = this.deps;
    const week = isoWeekStart(weekDay);
    const previousWeek = addDays(week, -7);
    const to = addDays(week, 7);
    const audiences = [...(filter.audiences ?? AUDIENCES)];
    const frames = [...(filter.frames ?? FRAME_IDS)];

    const byAudience = new Map(audiences.map((a) => [a, [] as DigestInput['audiences'][number]['frames']]));
    for (const frame of frames) {
      // Exactly the request GET /v1/trends?bucket=week&metric=share&groupBy=audience&frame=<frame> makes.
      const result = await trends.trends({
        bucket: 'week', metric: 'share', weight: 'none', groupBy: 'audience', frame, onTopic: false,
        from: previousWeek, to, audiences, channelIds: null, limit: 10,
      });
      for (const series of result.series) {
        const at = (t: string) => {
          const p = series.points.find((x) => x.t === t);
          return { share: p?.value ?? 0, posts: p?.posts ?? 0, base: p?.base ?? 0 };
        };
        byAudience.get(series.key)?.push({ frame, thisWeek: at(week), previousWeek: at(previousWeek) });
      }
    }
    const audienceData = audiences.map((audience) => ({ audience, frames: byAudience.get(audience) ?? [] }));

    const { events } = await trends.events({
      from: week, to, types: ['frame.first_seen'], audiences, channelIds: null, frame: null,
      spike: DEFAULT_SPIKE_OPTIONS, silence: DEFAULT_SILENCE_OPTIONS, limit: 1000,
    });
    const channelNames = new Map<number, string>();
    const channelIds = [...new Set(events.flatMap((e) => (e.channelId !== null ? [e.channelId] : [])))];
    if (channelIds.length > 0) {
      const { rows } = await db.query<{ id: number; username: string | null; title: string }>('SELECT id, username, title FROM channels WHERE id = ANY($1::bigint[])', [channelIds]);
      for (const r of rows) channelNames.set(r.id, channelLabel(r));
    }
    const firstSeen = events
      .filter((e) => e.frame !== null && frames.includes(e.frame))
      .map((e) => ({
        frame: e.frame!,
        scope: e.scope,
        where: e.scope === 'channel' ? channelNames.get(e.channelId!) ?? `#${e.channelId}` : AUDIENCE_LABELS[e.audience ?? ''] ?? e.audience ?? 'all channels',
        day: e.at,
      }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.frame.localeCompare(b.frame) || a.where.localeCompare(b.where));

    // Top channels and examples for the rising frames the builder will show.
    const preview = buildDigest({ week, previousWeek, frameLabels: FRAME_LABELS, audienceLabels: AUDIENCE_LABELS, audiences: audienceData, firstSeen: [], details: [] });
    const details: DigestInput['details'] = [];
    for (const a of preview.audiences) {
      for (const r of risingFrames(a)) {
        const ranked = await topChannels(db, { from: week, to, rankBucket: r.frame, audiences: [a.audience], channelIds: null, limit: TOP_CHANNELS });
        const examples = await examplePosts(db, { audience: a.audience, frame: r.frame, from: week, to, limit: EXAMPLES });
        details.push({
          audience: a.audience,
          frame: r.frame,
          topChannels: ranked.map((c) => ({ id: c.id, label: channelLabel(c), posts: c.posts })),
          examples: examples.map((e) => ({
            channelLabel: channelLabel({ id: e.channelId, username: e.username, title: e.title }),
            url: publicPostUrl(e.username, e.messageId),
            postedAt: e.postedAt.toISOString(),
            excerpt: excerpt(e.text),
          })),
        });
      }
    }
    return { week, previousWeek, frameLabels: FRAME_LABELS, audienceLabels: AUDIENCE_LABELS, audiences: audienceData, firstSeen, details };
  }

  /** Whether mail is configured (SMTP_URL and MAIL_FROM). */
  canSend(): boolean {
    return this.deps.mail() !== null;
  }

  async build(weekDay: string, filter: DigestFilter): Promise<Digest> {
    return buildDigest(await this.input(weekDay, filter));
  }

  /** Builds and mails one digest now (no record: `digest send` may be repeated on purpose). */
  async sendNow(email: string, weekDay: string, filter: DigestFilter): Promise<{ digest: Digest; messageId: string }> {
    const mail = this.deps.mail();
    if (!mail) throw new MailNotConfiguredError();
    const digest = await this.build(weekDay, filter);
    const { messageId } = await mail.send({ to: email, subject: digest.subject, text: digest.text, html: digest.html });
    return { digest, messageId };
  }

  /** The scheduled send of one subscription's week: at most once, recorded. */
  async sendScheduled(subscription: DigestSubscription, week: string): Promise<'sent' | 'already sent'> {
    if (await wasSent(this.deps.db, subscription.id, week)) return 'already sent';
    const { messageId } = await this.sendNow(subscription.email, week, subscription);
    await recordSent(this.deps.db, subscription.id, week, messageId, (this.deps.now ?? (() => new Date()))());
    this.deps.logger.info({ subscription: subscription.id, week, messageId }, 'digest sent');
    return 'sent';
  }
}
