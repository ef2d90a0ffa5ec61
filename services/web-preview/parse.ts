// Parses the public web preview: t.me/s/<name> history pages and the
// t.me/<name> channel page, into plain records. The markup it follows (class
// names, nesting, data-post, <time datetime>) is described with a saved page
// in test/fixtures/web-preview/; docs/collection.md says what the preview
// cannot tell (exact views, edit times, custom reactions' emoji).
import type { ChannelPost, ForwardedFrom, MediaKind, ReactionCount, TextEntity } from '../posts/types.ts';
import { parseAbbreviatedCount, parseCounterText, type ParsedCount } from './counts.ts';
import { byClass, classes, findAll, findFirst, hasClass, isElement, parseHtml, squashedText, textOf, type DomNode, type Element } from './dom.ts';

export interface PreviewChannelInfo {
  title: string;
  about: string | null;
  /** The header counter; abbreviated on t.me/s ("64.3K"). */
  subscribers: ParsedCount | null;
}

export interface PreviewPage {
  channel: PreviewChannelInfo | null;
  posts: ChannelPost[];
  /** Service messages seen (pins, photo changes): they take ids but are not posts. */
  serviceIds: number[];
  /**
   * Posts marked "edited". The preview gives no edit time and no earlier text,
   * so the mark only tells that the text shown is not the original; a text
   * that changed between two readings is what the store records as an edit.
   */
  editedIds: number[];
  /** The page links to older posts (a "before" link). */
  hasOlder: boolean;
}

// Subtrees that quote another message or page: their text, media and times
// are not this post's.
const FOREIGN = (el: Element) => hasClass(el, 'tgme_widget_message_reply') || hasClass(el, 'tgme_widget_message_link_preview');

function postId(dataPost: string | undefined): number | null {
  const m = /\/(\d+)$/.exec(dataPost ?? '');
  return m ? Number(m[1]) : null;
}

/** "https://t.me/origin/77" (or /s/origin/77, or ?single) → {username, messageId}. */
export function parseTmeLink(href: string | undefined): { username: string; messageId: number | null } | null {
  if (!href) return null;
  const m = /^(?:https?:)?\/\/(?:www\.)?(?:t\.me|telegram\.me)\/(?:s\/)?([A-Za-z][A-Za-z0-9_]{3,31})(?:\/(\d+))?\/?(?:[?#].*)?$/.exec(href.trim());
  if (!m) return null;
  return { username: m[1]!.toLowerCase(), messageId: m[2] ? Number(m[2]) : null };
}

// --- text and entities -------------------------------------------------------

const ENTITY_TAGS: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', s: 'strikethrough', del: 'strikethrough',
  code: 'code', pre: 'pre', blockquote: 'blockquote',
};

function linkEntity(el: Element, text: string): TextEntity['type'] | null {
  const href = el.attribs.href ?? '';
  if (text.startsWith('#') && /[?&]q=%23/i.test(href)) return 'hashtag';
  if (text.startsWith('$') && /[?&]q=%24/i.test(href)) return 'cashtag';
  if (text.startsWith('@') && parseTmeLink(href)) return 'mention';
  if (href === text || href === `http://${text}` || href === `https://${text}`) return 'link';
  if (href.startsWith('mailto:')) return 'email';
  return 'text_link';
}

/**
 * The message HTML as the plain text Telegram shows (<br> a newline, links
 * their text, emoji images their emoji), with entities at UTF-16 offsets.
 */
export function flattenMessageText(root: Element): { text: string; entities: TextEntity[] } {
  let text = '';
  const entities: TextEntity[] = [];
  const walk = (node: DomNode) => {
    if (!isElement(node)) {
      if ('data' in node && node.type === 'text') text += node.data;
      return;
    }
    if (node.name === 'br') {
      text += '\n';
      return;
    }
    // <i class="emoji" style="background-image:..."><b>🔥</b></i>: the emoji, not italic bold.
    if (hasClass(node, 'emoji')) {
      text += textOf(node);
      return;
    }
    const start = text.length;
    for (const child of node.children as DomNode[]) walk(child);
    const length = text.length - start;
    if (length === 0) return;
    if (node.name === 'a') {
      const type = linkEntity(node, text.slice(start));
      if (type) entities.push({ type, offset: start, length, ...(type === 'text_link' ? { url: node.attribs.href ?? '' } : {}) });
    } else if (node.name === 'tg-spoiler' || hasClass(node, 'tg-spoiler')) {
      entities.push({ type: 'spoiler', offset: start, length });
    } else if (ENTITY_TAGS[node.name]) {
      entities.push({ type: ENTITY_TAGS[node.name]!, offset: start, length });
    }
  };
  for (const child of root.children as DomNode[]) walk(child);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

// --- media -------------------------------------------------------------------

// Checked in this order: the first match names the post's media.
const MEDIA_CLASSES: Array<[string, MediaKind]> = [
  ['tgme_widget_message_sticker_wrap', 'sticker'],
  ['tgme_widget_message_sticker', 'sticker'],
  ['tgme_widget_message_tgsticker', 'sticker'],
  ['tgme_widget_message_videosticker', 'sticker'],
  ['tgme_widget_message_roundvideo_player', 'video_note'],
  ['tgme_widget_message_voice_player', 'voice'],
  ['tgme_widget_message_voice', 'voice'],
  ['tgme_widget_message_audio_player', 'audio'],
  ['tgme_widget_message_video_player', 'video'],
  ['tgme_widget_message_photo_wrap', 'photo'],
  ['tgme_widget_message_document_wrap', 'document'],
  ['tgme_widget_message_poll', 'poll'],
  ['tgme_widget_message_location_wrap', 'location'],
  ['tgme_widget_message_venue_wrap', 'location'],
  ['tgme_widget_message_contact_wrap', 'contact'],
];

function mediaOf(el: Element): MediaKind | null {
  for (const [cls, kind] of MEDIA_CLASSES) {
    if (hasClass(el, cls)) {
      // An audio file is a document whose icon says so.
      if (kind === 'document' && findFirst(el, byClass('audio'))) return 'audio';
      if (kind === 'video' && (el.attribs.class ?? '').includes('gif')) return 'animation';
      return kind;
    }
  }
  return null;
}

function mediaKind(bubble: Element): MediaKind | null {
  const found = findAll(bubble, (el) => mediaOf(el) !== null, FOREIGN);
  if (found.length > 0) return mediaOf(found[0]!);
  if (findFirst(bubble, byClass('tgme_widget_message_link_preview'))) return 'webpage';
  if (findFirst(bubble, byClass('message_media_not_supported_wrap'), FOREIGN)) return 'other';
  return null;
}

/** Album members: the ids of the `?single` links inside the grouped wrap, with each one's kind. */
function albumMembers(bubble: Element): Array<{ id: number; kind: MediaKind | null }> {
  const wrap = findFirst(bubble, byClass('tgme_widget_message_grouped_wrap'), FOREIGN);
  if (!wrap) return [];
  const members: Array<{ id: number; kind: MediaKind | null }> = [];
  for (const a of findAll(wrap, (el) => el.name === 'a' && /\?single/.test(el.attribs.href ?? ''))) {
    const link = parseTmeLink(a.attribs.href);
    if (link?.messageId && !members.some((m) => m.id === link.messageId)) members.push({ id: link.messageId, kind: mediaOf(a) });
  }
  return members;
}

// --- reactions ---------------------------------------------------------------

function reactionsOf(bubble: Element): ReactionCount[] | null {
  const box = findFirst(bubble, byClass('tgme_widget_message_reactions'), FOREIGN);
  if (!box) return null;
  const out: ReactionCount[] = [];
  for (const r of findAll(box, byClass('tgme_reaction'))) {
    const custom = findFirst(r, (el) => el.name === 'tg-emoji' && !!el.attribs['emoji-id']);
    const emoji = findFirst(r, byClass('emoji'));
    const reaction = hasClass(r, 'tgme_reaction_paid')
      ? 'paid'
      : custom
        ? `custom:${custom.attribs['emoji-id']}`
        : emoji
          ? squashedText(emoji)
          : '';
    // The count is the reaction's own text after the emoji.
    const countText = (r.children as DomNode[]).filter((c) => !isElement(c)).map(textOf).join('').trim();
    const count = parseAbbreviatedCount(countText);
    if (reaction !== '' && count) out.push({ reaction, count: count.value });
  }
  return out.length > 0 ? out : null;
}

// --- one message -------------------------------------------------------------

function parseMessage(widget: Element, shownId: number): ChannelPost[] {
  const time = findFirst(widget, (el) => el.name === 'time' && !!el.attribs.datetime && el.parent !== null && isElement(el.parent) && hasClass(el.parent, 'tgme_widget_message_date'), FOREIGN)
    ?? findFirst(widget, (el) => el.name === 'time' && !!el.attribs.datetime, FOREIGN);
  const postedAt = time ? new Date(time.attribs.datetime!) : null;
  if (!postedAt || Number.isNaN(postedAt.getTime())) return [];

  const textEl = findFirst(widget, (el) => hasClass(el, 'tgme_widget_message_text') && hasClass(el, 'js-message_text'), FOREIGN)
    ?? findFirst(widget, byClass('tgme_widget_message_text'), FOREIGN);
  const { text, entities } = textEl ? flattenMessageText(textEl) : { text: '', entities: [] };

  const viewsEl = findFirst(widget, byClass('tgme_widget_message_views'), FOREIGN);
  const views = viewsEl ? parseAbbreviatedCount(squashedText(viewsEl))?.value ?? null : null;

  let forwardedFrom: ForwardedFrom | null = null;
  const fwdName = findFirst(widget, byClass('tgme_widget_message_forwarded_from_name'), FOREIGN);
  if (fwdName) {
    const link = parseTmeLink(fwdName.attribs.href);
    // A link names the origin channel and post; without one (a hidden sender) only the name shown is known.
    forwardedFrom = link
      ? { telegramId: null, messageId: link.messageId, name: `@${link.username}` }
      : { telegramId: null, messageId: null, name: squashedText(fwdName) || null };
  }

  const members = albumMembers(widget);
  const ownKind = members.find((m) => m.id === shownId)?.kind ?? members[0]?.kind ?? mediaKind(widget);
  const groupedId = members.length > 1 ? `web:${Math.min(...members.map((m) => m.id))}` : null;
  const base: ChannelPost = {
    messageId: shownId,
    postedAt,
    text,
    entities: entities.length > 0 ? entities : null,
    views,
    forwards: null,
    replies: null,
    reactions: reactionsOf(widget),
    // The preview marks an edit but does not date it; the store dates a changed text to when it was seen.
    editedAt: null,
    forwardedFrom,
    mediaKind: ownKind,
    groupedId,
  };
  const posts = [base];
  // The other album members are posts of their own (MTProto returns each); the preview shows them
  // in one widget, so they share its time and have no text or counts of their own.
  for (const m of members) {
    if (m.id === shownId) continue;
    posts.push({ ...base, messageId: m.id, text: '', entities: null, views: null, reactions: null, mediaKind: m.kind, groupedId });
  }
  return posts;
}

/** The "edited" word t.me prints before the time of a post changed after it was sent. */
function isEditedMark(widget: Element): boolean {
  const meta = findFirst(widget, byClass('tgme_widget_message_meta'), FOREIGN);
  return meta ? /\bedited\b/i.test(textOf(meta)) : false;
}

function channelInfo(root: ReturnType<typeof parseHtml>): PreviewChannelInfo | null {
  const info = findFirst(root, byClass('tgme_channel_info'));
  if (!info) return null;
  const titleEl = findFirst(info, byClass('tgme_channel_info_header_title'));
  const aboutEl = findFirst(info, byClass('tgme_channel_info_description'));
  let subscribers: ParsedCount | null = null;
  for (const counter of findAll(info, byClass('tgme_channel_info_counter'))) {
    const type = findFirst(counter, byClass('counter_type'));
    const value = findFirst(counter, byClass('counter_value'));
    if (type && value && /^(subscribers?|members?)$/i.test(squashedText(type))) subscribers = parseAbbreviatedCount(squashedText(value));
  }
  return {
    title: titleEl ? squashedText(titleEl) : '',
    about: aboutEl ? textOf(aboutEl).trim() || null : null,
    subscribers,
  };
}

/** A t.me/s/<name> page. */
export function parsePreviewPage(html: string): PreviewPage {
  const root = parseHtml(html);
  const posts: ChannelPost[] = [];
  const serviceIds: number[] = [];
  const editedIds: number[] = [];
  const widgets = findAll(root, (el) => hasClass(el, 'tgme_widget_message') && el.attribs['data-post'] !== undefined);
  for (const widget of widgets) {
    const id = postId(widget.attribs['data-post']);
    if (id === null) continue;
    if (hasClass(widget, 'service_message')) {
      serviceIds.push(id);
      continue;
    }
    const parsed = parseMessage(widget, id);
    if (parsed.length > 0 && isEditedMark(widget)) editedIds.push(id);
    posts.push(...parsed);
  }
  const hasOlder = findAll(root, (el) => classes(el).includes('js-messages_more') && el.attribs['data-before'] !== undefined).length > 0;
  return { channel: channelInfo(root), posts, serviceIds, editedIds, hasOlder };
}

export interface ChannelPageInfo {
  /** 'channel' when the page shows a channel; 'other' for a user, bot or group; 'missing' for no such name. */
  kind: 'channel' | 'other' | 'missing';
  title: string;
  about: string | null;
  subscribers: ParsedCount | null;
  /** The page offers "Preview channel" (t.me/s exists). */
  hasPreviewLink: boolean;
}

/** A t.me/<name> page: exact subscriber count where shown, or what kind of name it is. */
export function parseChannelPage(html: string): ChannelPageInfo {
  const root = parseHtml(html);
  const titleEl = findFirst(root, byClass('tgme_page_title'));
  const extraEl = findFirst(root, byClass('tgme_page_extra'));
  const aboutEl = findFirst(root, byClass('tgme_page_description'));
  const title = titleEl ? squashedText(titleEl) : '';
  const extra = extraEl ? squashedText(extraEl) : '';
  const counter = /subscriber/i.test(extra) ? parseCounterText(extra) : null;
  const hasPreviewLink = findAll(root, (el) => el.name === 'a' && /\/s\/[A-Za-z0-9_]+/.test(el.attribs.href ?? '')).length > 0;
  // A channel shows its subscribers, or at least offers its preview; a user or bot shows "@name", a group "members".
  const kind: ChannelPageInfo['kind'] = title === '' ? 'missing' : /subscriber/i.test(extra) || hasPreviewLink ? 'channel' : 'other';
  return { kind, title, about: aboutEl ? textOf(aboutEl).trim() || null : null, subscribers: counter, hasPreviewLink };
}
