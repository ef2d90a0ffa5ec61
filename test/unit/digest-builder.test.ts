import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestInput } from '../../services/digest/builder.ts';

const share = (posts: number, base: number) => ({ share: base > 0 ? posts / base : 0, posts, base });

function input(over: Partial<DigestInput> = {}): DigestInput {
  return {
    week: '2025-03-03',
    previousWeek: '2025-02-24',
    frameLabels: { denial: 'Denial', kidnapping: 'Kidnapping', cannon_fodder: 'Cannon fodder' },
    audienceLabels: { ua: 'Ukrainian audience', ru: 'Russian <domestic>' },
    audiences: [
      {
        audience: 'ua',
        frames: [
          { frame: 'denial', thisWeek: share(1, 10), previousWeek: share(5, 10) },
          { frame: 'kidnapping', thisWeek: share(3, 10), previousWeek: share(1, 10) },
          { frame: 'cannon_fodder', thisWeek: share(0, 10), previousWeek: share(0, 10) },
        ],
      },
      { audience: 'ru', frames: [{ frame: 'denial', thisWeek: share(2, 4), previousWeek: share(0, 0) }] },
    ],
    firstSeen: [],
    details: [],
    ...over,
  };
}

describe('the digest builder', () => {
  it('orders frames by the size of their shift, either way, and leaves out frames absent in both weeks', () => {
    const d = buildDigest(input());
    const ua = d.audiences[0]!;
    expect(ua.shifts.map((s) => s.frame)).toEqual(['denial', 'kidnapping']);
    expect(ua.shifts[0]!.shift).toBeCloseTo(-0.4, 12);
    expect(ua.shifts[1]!.shift).toBeCloseTo(0.2, 12);
    expect([ua.onTopicPosts, ua.previousOnTopicPosts]).toEqual([10, 10]);
  });

  it('rising frames across audiences, biggest first, name the subject', () => {
    const d = buildDigest(input());
    expect(d.rising.map((r) => [r.audience, r.frame])).toEqual([['ru', 'denial'], ['ua', 'kidnapping']]);
    expect(d.subject).toBe('framewatch weekly digest, week of 2025-03-03: Denial +50.0 pp in Russian <domestic>');
  });

  it('a quiet week has a plain subject and says so', () => {
    const d = buildDigest(input({ audiences: [{ audience: 'ua', frames: [{ frame: 'denial', thisWeek: share(0, 3), previousWeek: share(0, 2) }] }] }));
    expect(d.subject).toBe('framewatch weekly digest, week of 2025-03-03');
    expect(d.text).toContain('no framed posts in either week');
    expect(d.text).toContain('no frame appeared anywhere for the first time');
  });

  it('escapes text in the HTML and keeps it in the plain text', () => {
    const d = buildDigest(input({
      details: [{ audience: 'ru', frame: 'denial', topChannels: [{ id: 1, label: '@a_b', posts: 2 }], examples: [{ channelLabel: '@a_b', url: 'https://t.me/a_b/5', postedAt: '2025-03-04T10:00:00.000Z', excerpt: '<script>x</script> & more' }] }],
    }));
    expect(d.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; more');
    expect(d.html).toContain('<h2>Russian &lt;domestic&gt;</h2>');
    expect(d.html).not.toContain('<script>');
    expect(d.text).toContain('- @a_b, 2025-03-04: <script>x</script> & more https://t.me/a_b/5');
  });
});

describe('audiences without on-topic posts', () => {
  it('are listed together in one line instead of a section each', () => {
    const d = buildDigest(input({
      audiences: [
        { audience: 'ua', frames: [{ frame: 'denial', thisWeek: share(1, 2), previousWeek: share(0, 1) }] },
        { audience: 'ru', frames: [{ frame: 'denial', thisWeek: share(0, 0), previousWeek: share(0, 0) }] },
        { audience: 'west', frames: [{ frame: 'denial', thisWeek: share(0, 0), previousWeek: share(0, 0) }] },
      ],
      audienceLabels: { ua: 'Ukrainian audience', ru: 'Russian domestic audience', west: 'Foreign audiences' },
    }));
    expect(d.text).toContain('== Ukrainian audience: 2 on-topic posts (previous week 1)');
    expect(d.text).toContain('== No on-topic posts in either week: Russian domestic audience, Foreign audiences');
    expect(d.text).not.toContain('== Russian domestic audience:');
    expect(d.audiences.map((a) => a.audience)).toEqual(['ua', 'ru', 'west']);
  });
});
