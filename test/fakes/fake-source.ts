// A fake ChannelSource over an in-memory channel: pages newest-first like
// both real sources, optional min_id filtering like MTProto, deletions,
// edits, and scripted failures (a thrown error or a RetryLaterError on the
// n-th request) to interrupt a pass at a chosen point.
import type { ChannelSnapshot } from '../../services/channels/types.ts';
import type {
  ChannelSource,
  ChannelUnavailableError,
  HistoryPage,
  HistoryQuery,
  RecheckResult,
  SourceChannel,
  SourceKind,
} from '../../services/collection/source.ts';
import type { ChannelPost } from '../../services/posts/types.ts';

export function post(id: number, at: Date, text = `post ${id}`, extra: Partial<ChannelPost> = {}): ChannelPost {
  return {
    messageId: id, postedAt: at, text, entities: null, views: id * 10, forwards: null, replies: null, reactions: null,
    editedAt: null, forwardedFrom: null, mediaKind: null, groupedId: null, ...extra,
  };
}

export class FakeSource implements ChannelSource {
  readonly posts = new Map<number, ChannelPost>();
  requests = 0;
  subscribers = 1000;
  pageSize = 20;
  /** Filter by `after` like MTProto's min_id (the web preview cannot). */
  honoursAfter = false;
  /** Request number (1-based) that throws, and what. */
  failAt: { request: number; error: () => Error } | null = null;
  unavailable: ChannelUnavailableError | null = null;
  log: string[] = [];

  constructor(readonly kind: SourceKind = 'web') {}

  add(...posts: ChannelPost[]): this {
    for (const p of posts) this.posts.set(p.messageId, p);
    return this;
  }

  /** n posts from firstId, one an hour from start. */
  addRange(firstId: number, n: number, start = new Date('2024-12-01T00:00:00Z')): this {
    for (let i = 0; i < n; i++) this.add(post(firstId + i, new Date(start.getTime() + (firstId + i) * 3_600_000)));
    return this;
  }

  private tick(what: string): void {
    this.requests++;
    this.log.push(what);
    if (this.unavailable) throw this.unavailable;
    if (this.failAt && this.failAt.request === this.requests) throw this.failAt.error();
  }

  async resolve(): Promise<null> {
    return null;
  }

  async snapshot(channel: SourceChannel): Promise<{ snapshot: ChannelSnapshot; requests: number }> {
    this.tick('snapshot');
    return {
      snapshot: { telegramId: null, username: channel.username, title: 'Fake', about: null, subscribers: this.subscribers, subscribersExact: true, observedAt: new Date() },
      requests: 1,
    };
  }

  async history(_channel: SourceChannel, query: HistoryQuery): Promise<HistoryPage> {
    this.tick(`history before=${query.before} after=${query.after}`);
    const ids = [...this.posts.keys()].sort((a, b) => b - a);
    const below = ids.filter((id) => (query.before === null || id < query.before) && (!this.honoursAfter || query.after === null || id > query.after));
    const page = below.slice(0, this.pageSize);
    return { posts: page.map((id) => ({ ...this.posts.get(id)! })), more: below.length > page.length, requests: 1 };
  }

  async recheck(_channel: SourceChannel, ids: readonly number[]): Promise<RecheckResult> {
    this.tick(`recheck ${ids.length}`);
    return {
      posts: ids.filter((id) => this.posts.has(id)).map((id) => ({ ...this.posts.get(id)! })),
      gone: ids.filter((id) => !this.posts.has(id)),
      requests: 1,
    };
  }
}
