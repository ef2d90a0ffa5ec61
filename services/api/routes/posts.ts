// Posts: the list behind every trend (same filters, same counting rules),
// keyset-paginated newest first, as JSON or CSV; and one post in full.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { publicPostUrl } from '../../channels/ref.ts';
import type { Db } from '../../db/db.ts';
import { CursorError, decodeCursor, encodeCursor, filterFingerprint } from '../../posts/cursor.ts';
import { getPostDetail, listPosts, type PostDetail, type PostFilters, type PostListItem } from '../../posts/query.ts';
import { MAX_SEARCH_TERMS, searchTerms } from '../../posts/search.ts';
import { resolveChannelParam } from '../channel-refs.ts';
import { toCsv, wantsCsv } from '../csv.ts';
import { badParameter, notFound } from '../errors.ts';
import { AudienceList, ChannelList, errorResponses, FrameParam, Instant, Nullable, parseList, parseRange, V1_ERRORS } from '../schemas.ts';

const FrameScore = Type.Object({ frame: Type.String(), score: Type.Number() });
const ChannelRef = Type.Object({ id: Type.Integer(), username: Nullable(Type.String()), title: Type.String(), audience: Nullable(Type.String()) });
const ForwardedFrom = Type.Object({
  telegramId: Nullable(Type.Integer()),
  messageId: Nullable(Type.Integer()),
  name: Nullable(Type.String()),
  channelId: Type.Optional(Nullable(Type.Integer({ description: 'the origin, when it is a monitored channel' }))),
});

const postItemProperties = {
  channelId: Type.Integer(),
  messageId: Type.Integer(),
  channel: ChannelRef,
  postedAt: Type.String({ format: 'date-time' }),
  url: Nullable(Type.String()),
  text: Type.String(),
  views: Nullable(Type.Integer()),
  forwards: Nullable(Type.Integer()),
  replies: Nullable(Type.Integer()),
  reactionsTotal: Nullable(Type.Integer()),
  editedAt: Nullable(Type.String({ format: 'date-time' })),
  deleted: Type.Boolean(),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
  version: Type.Integer({ description: '1 for the original text, +1 per edit' }),
  lang: Nullable(Type.String()),
  onTopic: Nullable(Type.Boolean({ description: 'null until classified (or re-classified after an edit)' })),
  mediaKind: Nullable(Type.String()),
  forwardedFrom: Nullable(ForwardedFrom),
  frames: Type.Array(FrameScore),
};
const PostItem = Type.Object(postItemProperties);

const Evidence = Type.Object({
  start: Type.Integer({ description: 'offset into text, UTF-16 code units' }),
  end: Type.Integer(),
  text: Type.String(),
});
const PostDetailJson = Type.Object({
  ...postItemProperties,
  frames: Type.Array(Type.Object({ frame: Type.String(), score: Type.Number(), evidence: Type.Array(Evidence), classifierVersion: Type.String() })),
  entities: Type.Unknown({ description: 'formatting and links: [{type, offset, length, url?}], UTF-16 offsets' }),
  reactions: Type.Unknown({ description: '[{reaction, count}]' }),
  groupedId: Nullable(Type.String()),
  source: Type.String(),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  classification: Type.Object({ classifierVersion: Nullable(Type.String()), classifiedAt: Nullable(Type.String({ format: 'date-time' })) }),
  versions: Type.Array(Type.Object({
    version: Type.Integer(),
    text: Type.String(),
    editedAt: Nullable(Type.String({ format: 'date-time' })),
    supersededAt: Type.String({ format: 'date-time', description: 'when we first saw the text that replaced it' }),
  })),
});

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

function itemJson(p: PostListItem) {
  return {
    channelId: p.channelId,
    messageId: p.messageId,
    channel: { id: p.channelId, username: p.channelUsername, title: p.channelTitle, audience: p.audience },
    postedAt: p.postedAt.toISOString(),
    url: publicPostUrl(p.channelUsername, p.messageId),
    text: p.text,
    views: p.views,
    forwards: p.forwards,
    replies: p.replies,
    reactionsTotal: p.reactionsTotal,
    editedAt: iso(p.editedAt),
    deleted: p.deletedAt !== null,
    deletedAt: iso(p.deletedAt),
    version: p.version,
    lang: p.lang,
    onTopic: p.onTopic,
    mediaKind: p.mediaKind,
    forwardedFrom:
      p.fwdFromTelegramId === null && p.fwdFromName === null
        ? null
        : { telegramId: p.fwdFromTelegramId, messageId: p.fwdFromMessageId, name: p.fwdFromName },
    frames: p.frames,
  };
}

function detailJson(p: PostDetail) {
  const base = itemJson(p);
  return {
    ...base,
    forwardedFrom: base.forwardedFrom === null ? null : { ...base.forwardedFrom, channelId: p.fwdFromChannelId },
    frames: p.tags,
    entities: p.entities,
    reactions: p.reactions,
    groupedId: p.groupedId,
    source: p.source,
    firstSeenAt: p.firstSeenAt.toISOString(),
    lastSeenAt: p.lastSeenAt.toISOString(),
    classification: { classifierVersion: p.classifierVersion, classifiedAt: iso(p.classifiedAt) },
    versions: p.versions.map((v) => ({ version: v.version, text: v.text, editedAt: iso(v.editedAt), supersededAt: v.supersededAt.toISOString() })),
  };
}

const CSV_HEADER = ['channel_id', 'channel', 'audience', 'message_id', 'posted_at', 'url', 'views', 'forwards', 'on_topic', 'frames', 'deleted', 'edited_at', 'forwarded_from', 'text'];

function csvRow(p: PostListItem): unknown[] {
  return [
    // The username without "@": a cell starting with "@" would be defused as a formula.
    p.channelId, p.channelUsername ?? p.channelTitle, p.audience, p.messageId, p.postedAt,
    publicPostUrl(p.channelUsername, p.messageId), p.views, p.forwards, p.onTopic,
    p.frames.map((f) => f.frame).join(';'), p.deletedAt !== null, p.editedAt, p.fwdFromName ?? p.fwdFromTelegramId, p.text,
  ];
}

export const postRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  const security = [{ apiKey: [] }];

  app.get('/posts', {
    schema: {
      tags: ['posts'],
      summary: 'Posts, newest first, filtered like trends (JSON, or CSV with Accept: text/csv)',
      description:
        'Keyset pagination: pass nextCursor back as cursor, with the same filters, until it is null. ' +
        'frame selects on-topic posts carrying the frame; onTopic=true on-topic posts. Deleted posts are listed (deleted: true). ' +
        'q searches the text in Russian, Ukrainian and English, inflected forms included; all words must match.',
      security,
      querystring: Type.Object({
        channel: Type.Optional(ChannelList),
        audience: Type.Optional(AudienceList),
        frame: Type.Optional(FrameParam),
        from: Type.Optional(Instant),
        to: Type.Optional(Instant),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
        onTopic: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      }, { additionalProperties: false }),
      response: {
        200: {
          content: {
            'application/json': { schema: Type.Object({ items: Type.Array(PostItem), nextCursor: Nullable(Type.String()) }) },
            'text/csv': { schema: Type.String({ description: `columns: ${CSV_HEADER.join(', ')}; the next cursor is in the X-Next-Cursor header` }) },
          },
        },
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async (request, reply) => {
    const query = request.query;
    const { from, to } = parseRange(query);
    const search = query.q === undefined ? null : searchTerms(query.q);
    if (search !== null && search.length === 0) throw badParameter('q', 'has no word to search for');
    if (query.q !== undefined && (query.q.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) > MAX_SEARCH_TERMS) {
      throw badParameter('q', `may hold at most ${MAX_SEARCH_TERMS} words`);
    }
    const filters: PostFilters = {
      channelIds: await resolveChannelParam(db, query.channel),
      audiences: parseList(query.audience),
      frame: query.frame ?? null,
      from,
      to,
      search,
      onTopic: query.onTopic ?? null,
    };
    const fingerprint = filterFingerprint({ ...filters, search: query.q ?? null });
    let after = null;
    if (query.cursor !== undefined) {
      try {
        after = decodeCursor(query.cursor, fingerprint);
      } catch (err) {
        if (err instanceof CursorError) throw badParameter('cursor', err.message);
        throw err;
      }
    }
    const limit = query.limit ?? 50;
    const rows = await listPosts(db, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last
      ? encodeCursor({ postedAt: last.postedAtExact, channelId: last.channelId, messageId: last.messageId }, fingerprint)
      : null;
    if (wantsCsv(request.headers.accept)) {
      if (nextCursor !== null) reply.header('X-Next-Cursor', nextCursor);
      return reply.type('text/csv; charset=utf-8').send(toCsv(CSV_HEADER, page.map(csvRow)));
    }
    return { items: page.map(itemJson), nextCursor };
  });

  app.get('/posts/:channelId/:messageId', {
    schema: {
      tags: ['posts'],
      summary: 'One post: text, metrics, edit versions, frames with scores and evidence spans, forwarded-from, deletion',
      security,
      params: Type.Object({
        channelId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
        messageId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
      }, { additionalProperties: false }),
      response: { 200: PostDetailJson, ...errorResponses(...V1_ERRORS, 404) },
    },
  }, async (request) => {
    const post = await getPostDetail(db, request.params.channelId, request.params.messageId);
    if (!post) throw notFound(`post ${request.params.channelId}/${request.params.messageId}`);
    return detailJson(post);
  });
};
