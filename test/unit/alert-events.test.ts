import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryId, eventId, matches, postFramedEvents, trendAlertEvents, type AlertEvent, type SubscriptionFilter } from '../../services/alerts/events.ts';
import { generateSecret, signatureHeader, verifySignature } from '../../services/alerts/signature.ts';

const channel = { id: 7, username: 'front_news', title: 'Front news', audience: 'ru' };
const at = new Date('2025-03-03T10:00:00Z');

describe('post.framed events', () => {
  it('a post that gains a frame is an event, with the new frames and a t.me link', () => {
    const [e, ...rest] = postFramedEvents(channel, [{ messageId: 41, version: 1, postedAt: at, frames: ['denial', 'cannon_fodder'], previousFrames: [] }]);
    expect(rest).toEqual([]);
    expect(e!.type).toBe('post.framed');
    expect(e!.frames).toEqual(['cannon_fodder', 'denial']);
    expect(e!.audience).toBe('ru');
    expect(e!.channelId).toBe(7);
    expect(e!.data).toMatchObject({ messageId: 41, url: 'https://t.me/front_news/41', newFrames: ['cannon_fodder', 'denial'], postedAt: '2025-03-03T10:00:00.000Z' });
  });

  it('no event when a reclassification leaves the frames unchanged, when a post loses a frame, or has none', () => {
    expect(postFramedEvents(channel, [
      { messageId: 1, version: 1, postedAt: at, frames: ['denial'], previousFrames: ['denial'] },
      { messageId: 2, version: 2, postedAt: at, frames: ['denial'], previousFrames: ['denial', 'kidnapping'] },
      { messageId: 3, version: 1, postedAt: at, frames: [], previousFrames: [] },
    ])).toEqual([]);
  });

  it('posts older than the horizon are history, not news', () => {
    const posts = [
      { messageId: 1, version: 1, postedAt: new Date('2025-03-01T09:59:59Z'), frames: ['denial'], previousFrames: [] },
      { messageId: 2, version: 1, postedAt: new Date('2025-03-01T10:00:00Z'), frames: ['denial'], previousFrames: [] },
    ];
    expect(postFramedEvents(channel, posts, new Date('2025-03-01T10:00:00Z')).map((e) => e.data.messageId)).toEqual([2]);
    expect(postFramedEvents(channel, posts)).toHaveLength(2);
  });

  it('an edit that adds a frame is an event naming only the added frame', () => {
    const [e] = postFramedEvents(channel, [{ messageId: 5, version: 2, postedAt: at, frames: ['kidnapping', 'denial'], previousFrames: ['denial'] }]);
    expect(e!.data).toMatchObject({ newFrames: ['kidnapping'], previousFrames: ['denial'], frames: ['denial', 'kidnapping'] });
  });

  it('ids are deterministic: the same post version and frames give the same id, another version another', () => {
    const post = { messageId: 5, version: 2, postedAt: at, frames: ['denial'], previousFrames: [] };
    const a = postFramedEvents(channel, [post])[0]!.id;
    expect(postFramedEvents(channel, [{ ...post, frames: ['denial'] }])[0]!.id).toBe(a);
    expect(postFramedEvents(channel, [{ ...post, version: 3 }])[0]!.id).not.toBe(a);
    expect(a).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(deliveryId(1, a)).toBe(deliveryId(1, a));
    expect(deliveryId(1, a)).not.toBe(deliveryId(2, a));
  });
});

describe('frame.first_seen and frame.spike from the trends events', () => {
  const channels = new Map([[7, channel]]);
  it('keeps first sightings and spikes, drops silences, gives channel events their audience', () => {
    const events = trendAlertEvents([
      { type: 'frame.first_seen', at: '2025-03-04', scope: 'channel', audience: null, channelId: 7, frame: 'kidnapping', details: { onTopicSince: '2025-01-01' } },
      { type: 'frame.spike', at: '2025-03-03', scope: 'audience', audience: 'ua', channelId: null, frame: 'denial', details: { share: 0.5, posts: 9 } },
      { type: 'channel.silent', at: '2025-03-01', scope: 'channel', audience: null, channelId: 7, frame: null, details: {} },
    ], channels);
    expect(events.map((e) => [e.type, e.audience, e.channelId, e.frames])).toEqual([
      ['frame.first_seen', 'ru', 7, ['kidnapping']],
      ['frame.spike', 'ua', null, ['denial']],
    ]);
    expect(events[1]!.data).toMatchObject({ week: '2025-03-03', share: 0.5, posts: 9, scope: 'audience' });
  });

  it('a spike is one event per scope, frame and week; a first sighting one per scope and frame', () => {
    const spike = (at: string) => ({ type: 'frame.spike', at, scope: 'all' as const, audience: null, channelId: null, frame: 'denial', details: {} });
    const [a, b, c] = trendAlertEvents([spike('2025-03-03'), spike('2025-03-03'), spike('2025-03-10')], channels);
    expect(a!.id).toBe(b!.id);
    expect(c!.id).not.toBe(a!.id);
    expect(eventId('frame.spike', 'x')).not.toBe(eventId('frame.first_seen', 'x'));
  });
});

describe('matching events to subscriptions', () => {
  const event = (over: Partial<AlertEvent>): AlertEvent => ({ id: 'evt', type: 'post.framed', frames: ['denial'], audience: 'ru', channelId: 7, data: {}, ...over });
  const any: SubscriptionFilter = { frames: null, audiences: null, channelIds: null };
  it('no filter takes everything', () => {
    expect(matches(any, event({}))).toBe(true);
    expect(matches(any, event({ audience: null, channelId: null }))).toBe(true);
  });
  it('frames: any of the event\'s frames', () => {
    expect(matches({ ...any, frames: ['kidnapping', 'denial'] }, event({}))).toBe(true);
    expect(matches({ ...any, frames: ['kidnapping'] }, event({}))).toBe(false);
    expect(matches({ ...any, frames: ['kidnapping'] }, event({ frames: ['denial', 'kidnapping'] }))).toBe(true);
  });
  it('audiences and channels; events without one fail that filter', () => {
    expect(matches({ ...any, audiences: ['ru'] }, event({}))).toBe(true);
    expect(matches({ ...any, audiences: ['ua'] }, event({}))).toBe(false);
    expect(matches({ ...any, audiences: ['ua'] }, event({ audience: null }))).toBe(false);
    expect(matches({ ...any, channelIds: [7] }, event({}))).toBe(true);
    expect(matches({ ...any, channelIds: [8] }, event({}))).toBe(false);
    expect(matches({ ...any, channelIds: [7] }, event({ channelId: null }))).toBe(false);
  });
  it('every filter set must hold', () => {
    expect(matches({ frames: ['denial'], audiences: ['ru'], channelIds: [8] }, event({}))).toBe(false);
    expect(matches({ frames: ['denial'], audiences: ['ru'], channelIds: [7] }, event({}))).toBe(true);
  });
});

describe('signature', () => {
  it('is the hex HMAC-SHA256 of "<t>.<body>" a consumer can recompute', () => {
    const body = '{"id":"evt_1","type":"post.framed"}';
    const header = signatureHeader('s3cret-s3cret-s3cret', body, 1_700_000_000);
    const expected = createHmac('sha256', 's3cret-s3cret-s3cret').update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
    expect(verifySignature('s3cret-s3cret-s3cret', body, header, 1_700_000_100)).toBe(true);
    expect(verifySignature('s3cret-s3cret-s3cret', `${body} `, header, 1_700_000_100)).toBe(false);
    expect(verifySignature('other-secret-value', body, header, 1_700_000_100)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', body, header, 1_700_001_000)).toBe(false); // too old
  });
  it('generated secrets are long and distinct', () => {
    const a = generateSecret();
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(generateSecret()).not.toBe(a);
  });
});
