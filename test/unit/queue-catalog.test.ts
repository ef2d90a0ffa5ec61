import { describe, expect, it } from 'vitest';
import {
  JobPayloadError,
  MAX_CLASSIFY_IDS,
  channelSchedules,
  classifyPayloads,
  jobId,
  scheduleChannel,
  validateJob,
} from '../../services/queue/catalog.ts';
import { accountFor, accountKey, assignAccount } from '../../services/telegram/accounts.ts';

describe('job catalog', () => {
  it('validates payloads and refuses extra or missing fields', () => {
    expect(validateJob('poll', { channelId: 3 })).toEqual({ channelId: 3 });
    expect(() => validateJob('poll', { channelId: '3' })).toThrow(JobPayloadError);
    expect(() => validateJob('snapshot', { channelId: 3, session: 'secret' })).toThrow(/exactly \{channelId/);
    expect(validateJob('classify-posts', { channelId: 1, messageIds: [4, 9] })).toEqual({ channelId: 1, messageIds: [4, 9] });
    expect(() => validateJob('classify-posts', { channelId: 1, messageIds: [] })).toThrow(JobPayloadError);
    expect(() => validateJob('classify-posts', { channelId: 1, messageIds: [9, 4] })).toThrow(/sorted/);
    expect(() => validateJob('nope' as 'poll', {})).toThrow(/unknown job/);
  });

  it('gives the same work the same id, and new work a new one', () => {
    expect(jobId('backfill', { channelId: 7 }, 'b120')).toBe('backfill-7-b120');
    expect(jobId('backfill', { channelId: 7 }, 'b100')).not.toBe(jobId('backfill', { channelId: 7 }, 'b120'));
    const a = jobId('classify-posts', { channelId: 7, messageIds: [1, 2, 3] }, '2024-12-16T18:00:00.000Z');
    expect(a).toBe(jobId('classify-posts', { channelId: 7, messageIds: [1, 2, 3] }, '2024-12-16T18:00:00.000Z'));
    expect(a).toMatch(/^classify-posts-7-1-3-[0-9a-f]{8}$/);
    // The same post edited again later is classified again.
    expect(a).not.toBe(jobId('classify-posts', { channelId: 7, messageIds: [1, 2, 3] }, '2024-12-16T19:00:00.000Z'));
    // BullMQ refuses custom ids with ":" in them.
    expect(a).not.toContain(':');
  });

  it('splits large batches for classification', () => {
    const ids = Array.from({ length: MAX_CLASSIFY_IDS + 10 }, (_, i) => 1000 - i);
    const payloads = classifyPayloads(5, [...ids, 1000]);
    expect(payloads.map((p) => p.messageIds.length)).toEqual([MAX_CLASSIFY_IDS, 10]);
    expect(payloads[0]!.messageIds[0]).toBe(1000 - MAX_CLASSIFY_IDS - 9);
    for (const p of payloads) expect(() => validateJob('classify-posts', p)).not.toThrow();
  });

  it('names per-channel schedules so they can be found again', () => {
    const s = channelSchedules(12, { pollEveryMs: 300_000, snapshotEveryMs: 3_600_000, refreshEveryMs: 1_800_000 });
    expect(s.map((x) => [x.schedulerId, x.name, x.everyMs])).toEqual([
      ['poll-12', 'poll', 300_000], ['snapshot-12', 'snapshot', 3_600_000], ['refresh-12', 'refresh', 1_800_000],
    ]);
    expect(s.map((x) => scheduleChannel(x.schedulerId))).toEqual([12, 12, 12]);
    expect(scheduleChannel('digest-weekly')).toBeNull();
  });
});

describe('MTProto accounts', () => {
  const accounts = ['a1', 'a2', 'a3'].map((s) => accountKey(`session-${s}`));

  it('names a session without revealing it', () => {
    expect(accountKey('1BAAOMTQ5secret')).toMatch(/^s[0-9a-f]{15}$/);
    expect(accountKey('1BAAOMTQ5secret')).not.toContain('secret');
  });

  it('assigns channels deterministically and spreads them', () => {
    const counts = new Map<string, number>();
    for (let id = 1; id <= 3000; id++) {
      const a = assignAccount(accounts, String(id));
      expect(assignAccount(accounts, String(id))).toBe(a);
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(n).toBeGreaterThan(850);
  });

  it('moves only the new account\'s share when one is added', () => {
    const more = [...accounts, accountKey('session-a4')];
    let moved = 0;
    for (let id = 1; id <= 2000; id++) {
      const before = assignAccount(accounts, String(id));
      const after = assignAccount(more, String(id));
      if (before !== after) {
        moved++;
        expect(after).toBe(more[3]);
      }
    }
    expect(moved).toBeGreaterThan(350);
    expect(moved).toBeLessThan(650);
  });

  it('keeps a channel on the account that resolved its access hash', () => {
    const channel = { channelId: 42, account: accounts[2]!, accessHash: '-123' };
    expect(accountFor(accounts, channel)).toBe(accounts[2]);
    // That account is gone: the hashed choice, to be resolved again.
    expect(accountFor(accounts.slice(0, 2), channel)).toBe(assignAccount(accounts.slice(0, 2), '42'));
  });
});

describe('alert and digest jobs', () => {
  const delivery = `dlv_${'ab'.repeat(16)}`;
  it('deliver-webhook carries only a delivery id; its job id is that id', () => {
    expect(validateJob('deliver-webhook', { deliveryId: delivery })).toEqual({ deliveryId: delivery });
    expect(() => validateJob('deliver-webhook', { deliveryId: delivery, secret: 'x' })).toThrow(JobPayloadError);
    expect(() => validateJob('deliver-webhook', { deliveryId: 'dlv_short' })).toThrow(JobPayloadError);
    expect(jobId('deliver-webhook', { deliveryId: delivery })).toBe(`deliver-${delivery}`);
  });

  it('send-digest is one job per subscription and week', () => {
    expect(validateJob('send-digest', { subscriptionId: 3, week: '2025-03-03' })).toEqual({ subscriptionId: 3, week: '2025-03-03' });
    expect(() => validateJob('send-digest', { subscriptionId: 3 })).toThrow(JobPayloadError);
    expect(() => validateJob('send-digest', { subscriptionId: 0, week: '2025-03-03' })).toThrow(JobPayloadError);
    expect(jobId('send-digest', { subscriptionId: 3, week: '2025-03-03' })).toBe('send-digest-3-2025-03-03');
    expect(jobId('send-digest', { subscriptionId: 3, week: '2025-03-10' })).not.toBe(jobId('send-digest', { subscriptionId: 3, week: '2025-03-03' }));
  });
});
