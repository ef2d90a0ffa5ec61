// Alert events and who gets them. Pure: no database, no clock, no network.
// - post.framed: a new or edited post carries a frame it did not carry
//   before. A reclassification that leaves the frames as they were is no
//   event; a post that loses a frame is none either.
// - frame.first_seen and frame.spike: the /v1/events derivations
//   (services/trends) of the rollups, turned into alert events.
// Event ids are digests of what the event is about, so the same event found
// again (a replayed job, the next detection tick) has the same id and is
// stored, and delivered, once.
import { createHash } from 'node:crypto';
import { publicPostUrl } from '../channels/ref.ts';
import type { DerivedEvent } from '../trends/service.ts';

export type AlertEventType = 'post.framed' | 'frame.first_seen' | 'frame.spike';
export const ALERT_EVENT_TYPES: readonly AlertEventType[] = ['post.framed', 'frame.first_seen', 'frame.spike'];

export interface AlertEvent {
  id: string;
  type: AlertEventType;
  /** What the subscription filters look at. */
  frames: string[];
  audience: string | null;
  channelId: number | null;
  data: Record<string, unknown>;
}

export interface AlertChannel {
  id: number;
  username: string | null;
  title: string;
  audience: string | null;
}

export function eventId(type: AlertEventType, key: string): string {
  return `evt_${createHash('sha256').update(`${type}|${key}`).digest('hex').slice(0, 32)}`;
}

export function deliveryId(webhookId: number, eventId: string): string {
  return `dlv_${createHash('sha256').update(`${webhookId}|${eventId}`).digest('hex').slice(0, 32)}`;
}

export interface ClassifiedPost {
  messageId: number;
  /** posts.version the frames were computed from. */
  version: number;
  postedAt: Date;
  frames: readonly string[];
  previousFrames: readonly string[];
}

/**
 * post.framed events for the posts of one channel just classified. Posts
 * older than `notBefore` are history, not news: a newly added channel's
 * backfill classifies years of posts through the same jobs, and must not
 * send each of them.
 */
export function postFramedEvents(channel: AlertChannel, posts: readonly ClassifiedPost[], notBefore: Date | null = null): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const p of posts) {
    if (notBefore !== null && p.postedAt < notBefore) continue;
    const frames = [...new Set(p.frames)].sort();
    const before = new Set(p.previousFrames);
    const added = frames.filter((f) => !before.has(f));
    if (added.length === 0) continue;
    out.push({
      // The version and the frames are part of the id: the same post version
      // with the same frames is one event, however often it is classified.
      id: eventId('post.framed', `${channel.id}|${p.messageId}|${p.version}|${frames.join(',')}`),
      type: 'post.framed',
      frames,
      audience: channel.audience,
      channelId: channel.id,
      data: {
        channel: { id: channel.id, username: channel.username, title: channel.title, audience: channel.audience },
        messageId: p.messageId,
        version: p.version,
        postedAt: p.postedAt.toISOString(),
        url: publicPostUrl(channel.username, p.messageId),
        frames,
        newFrames: added,
        previousFrames: [...before].sort(),
      },
    });
  }
  return out;
}

/** A frame.first_seen or frame.spike of the trends service. */
export type TrendEvent = Pick<DerivedEvent, 'at' | 'scope' | 'audience' | 'channelId' | 'frame' | 'details'> & { type: string };

export function trendAlertEvents(events: readonly TrendEvent[], channels: ReadonlyMap<number, AlertChannel>): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const e of events) {
    if ((e.type !== 'frame.first_seen' && e.type !== 'frame.spike') || e.frame === null) continue;
    const channel = e.channelId !== null ? channels.get(e.channelId) ?? null : null;
    const audience = e.audience ?? channel?.audience ?? null;
    const scopeKey = e.scope === 'channel' ? `channel:${e.channelId}` : e.scope === 'audience' ? `audience:${e.audience}` : 'all';
    out.push({
      // A spike is one per week (at = the week's Monday) however its share
      // grows during the week; a first sighting is once per scope and frame.
      id: eventId(e.type, e.type === 'frame.first_seen' ? `${scopeKey}|${e.frame}` : `${scopeKey}|${e.frame}|${e.at}`),
      type: e.type,
      frames: [e.frame],
      audience,
      channelId: e.channelId,
      data: {
        frame: e.frame,
        scope: e.scope,
        audience,
        channel: channel ? { id: channel.id, username: channel.username, title: channel.title, audience: channel.audience } : null,
        ...(e.type === 'frame.spike' ? { week: e.at } : { day: e.at }),
        ...e.details,
      },
    });
  }
  return out;
}

/** A webhook's filters; null on a dimension means any. */
export interface SubscriptionFilter {
  frames: readonly string[] | null;
  audiences: readonly string[] | null;
  channelIds: readonly number[] | null;
}

/**
 * Whether a subscription wants an event: every filter it sets must hold. An
 * event with no audience (a spike over all channels) fails an audience
 * filter; one with no channel (an audience-level event) fails a channel filter.
 */
export function matches(filter: SubscriptionFilter, event: AlertEvent): boolean {
  if (filter.frames !== null && !event.frames.some((f) => filter.frames!.includes(f))) return false;
  if (filter.audiences !== null && (event.audience === null || !filter.audiences.includes(event.audience))) return false;
  if (filter.channelIds !== null && (event.channelId === null || !filter.channelIds.includes(event.channelId))) return false;
  return true;
}

/** The JSON body of a delivery. */
export function deliveryBody(event: { id: string; type: string; createdAt: Date; data: unknown }): string {
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.data });
}
