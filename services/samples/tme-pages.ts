// Renders t.me pages the way Telegram does (the structure of the saved page
// in test/fixtures/web-preview/kursk_front-latest.html): the channel header,
// "before" links, message widgets with data-post, <time datetime>,
// abbreviated views, the "edited" mark, forwards and media. The simulated
// Telegram of the demo and the web-preview tests serve these pages.
import { escapeHtml } from '../html.ts';

export interface FakePost {
  id: number;
  at: Date;
  /** HTML of the message text; omitted for media-only posts. */
  html?: string;
  views: number;
  edited?: boolean;
  photo?: boolean;
  forwardedFrom?: { username: string; post: number; title: string };
  service?: boolean;
}

export interface FakeChannel {
  username: string;
  title: string;
  about: string;
  subscribers: number;
  /** Oldest first. */
  posts: FakePost[];
  /** t.me/s/<name> redirects to t.me/<name> (the owner turned the preview off). */
  noPreview?: boolean;
  /** t.me/<name> shows only the abbreviated counter. */
  hideExactCount?: boolean;
  pageSize?: number;
}

/** Telegram's abbreviation: truncated to one decimal, ".0" dropped. */
export function abbreviate(n: number): string {
  const cut = (v: number) => String(Math.floor(v * 10) / 10);
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${cut(n / 1000)}K`;
  return `${cut(n / 1_000_000)}M`;
}

function tmeTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function widget(c: FakeChannel, p: FakePost): string {
  const url = `https://t.me/${c.username}/${p.id}`;
  if (p.service) {
    return `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message service_message js-widget_message" data-post="${c.username}/${p.id}"><div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text js-message_text" dir="auto">Channel photo updated</div><div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="${url}"><time datetime="${tmeTime(p.at)}" class="time">00:00</time></a></span></div></div></div></div></div>`;
  }
  const fwd = p.forwardedFrom
    ? `<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/${p.forwardedFrom.username}/${p.forwardedFrom.post}"><span dir="auto">${escapeHtml(p.forwardedFrom.title)}</span></a></div>`
    : '';
  const photo = p.photo
    ? `<a class="tgme_widget_message_photo_wrap 5339233557839876316 -1987654321_${p.id}" href="${url}" style="width:800px;background-image:url('https://cdn4.cdn-telegram.org/file/p${p.id}.jpg')"><div class="tgme_widget_message_photo" style="padding-top:56.25%"></div></a>`
    : '';
  const text = p.html !== undefined ? `<div class="tgme_widget_message_text js-message_text" dir="auto">${p.html}</div>` : '';
  return `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="${c.username}/${p.id}" data-view="eyJwIjo${p.id}">
<div class="tgme_widget_message_user"><a href="https://t.me/${c.username}"><i class="tgme_widget_message_user_photo bgcolor4" data-content="${escapeHtml(c.title.slice(0, 1))}"><img src="https://cdn4.cdn-telegram.org/file/avatar.jpg"></i></a></div>
<div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" height="20px" viewBox="0 0 9 20"></svg></i>
<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/${c.username}"><span dir="auto">${escapeHtml(c.title)}</span></a></div>
${fwd}${photo}${text}
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">${abbreviate(p.views)}</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta">${p.edited ? 'edited &nbsp;' : ''}<a class="tgme_widget_message_date" href="${url}"><time datetime="${tmeTime(p.at)}" class="time">00:00</time></a></span></div></div>
</div></div></div>`;
}

/** t.me/s/<name>[?before=id]: the newest pageSize posts below `before`, oldest first. */
export function renderPreviewPage(c: FakeChannel, before: number | null): string {
  const size = c.pageSize ?? 20;
  const all = [...c.posts].sort((a, b) => a.id - b.id);
  const below = before === null ? all : all.filter((p) => p.id < before);
  const shown = below.slice(-size);
  const olderExists = shown.length > 0 && below.length > shown.length;
  const more = olderExists
    ? `<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/${c.username}?before=${shown[0]!.id}" class="tme_messages_more js-messages_more" data-before="${shown[0]!.id}"></a></div>`
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(c.title)} – Telegram</title><link rel="canonical" href="https://t.me/s/${c.username}"/></head>
<body class="widget_frame_base tgme_webpreview_body emoji_image">
<main class="tgme_main">
<section class="tgme_right_column"><div class="tgme_channel_info">
<div class="tgme_channel_info_header"><div class="tgme_channel_info_header_title"><span dir="auto">${escapeHtml(c.title)}</span></div><div class="tgme_channel_info_header_username"><a href="https://t.me/${c.username}">@${c.username}</a></div></div>
<div class="tgme_channel_info_counters"><div class="tgme_channel_info_counter"><span class="counter_value">${abbreviate(c.subscribers)}</span> <span class="counter_type">subscribers</span></div><div class="tgme_channel_info_counter"><span class="counter_value">120</span> <span class="counter_type">photos</span></div></div>
<div class="tgme_channel_info_description">${escapeHtml(c.about)}</div>
</div></section>
<section class="tgme_channel_history js-message_history">
${more}
${shown.map((p) => widget(c, p)).join('\n')}
</section></main></body></html>`;
}

/** t.me/<name>: the exact counter with spaces between thousands, or the abbreviated one. */
export function renderChannelPage(c: FakeChannel): string {
  const count = c.hideExactCount ? abbreviate(c.subscribers) : c.subscribers.toLocaleString('en-US').replace(/,/g, ' ');
  const preview = c.noPreview ? '' : `<div class="tgme_page_context_link_wrap"><a class="tgme_page_context_link" href="/s/${c.username}">Preview channel</a></div>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram: Contact @${c.username}</title></head><body><div class="tgme_page_wrap"><div class="tgme_body_wrap"><div class="tgme_page">
<div class="tgme_page_title"><span dir="auto">${escapeHtml(c.title)}</span></div>
<div class="tgme_page_extra">${count} subscribers</div>
<div class="tgme_page_description" dir="auto">${escapeHtml(c.about)}</div>
${preview}
</div></div></div></body></html>`;
}

export function renderMissingPage(username: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram: Contact @${username}</title></head><body><div class="tgme_page"><div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain=${username}">@${username}</a> right away.</div></div></body></html>`;
}

/** A channel of n text posts, ids from firstId, one every `everyMinutes` from `start`. */
export function makeChannel(username: string, n: number, options: { firstId?: number; start?: Date; everyMinutes?: number; subscribers?: number } = {}): FakeChannel {
  const first = options.firstId ?? 1;
  const start = options.start ?? new Date('2024-12-01T06:00:00Z');
  const every = (options.everyMinutes ?? 37) * 60_000;
  const posts: FakePost[] = [];
  for (let i = 0; i < n; i++) posts.push(textPost(first + i, new Date(start.getTime() + i * every)));
  return { username, title: `Channel ${username}`, about: 'test channel', subscribers: options.subscribers ?? 12_345, posts };
}

export function textPost(id: number, at: Date): FakePost {
  // Views spread over the abbreviation ranges: some exact, some "x.yK".
  return { id, at, html: `Пост номер ${id}<br/>о корейцах под Курском`, views: (id * 7919) % 250_000 };
}
