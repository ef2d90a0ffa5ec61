-- Foundation schema: channels, subscriber series, posts with their edit
-- history, frame tags, and the import log. Sized for tens of millions of
-- posts: narrow keys, no surrogate ids on posts, indexes for the two access
-- paths that matter (one channel over time; everything over time).
-- docs/data-model.md explains each choice and the partitioning plan.

CREATE TABLE channels (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Telegram's bare channel id (without the -100 prefix of Bot API ids).
  -- Unknown for a channel only ever seen through the web preview.
  telegram_id        bigint UNIQUE,
  -- Public username, lowercase, without "@". NULL for a private channel
  -- known only from an export.
  username           text UNIQUE CHECK (username = lower(username)),
  title              text NOT NULL DEFAULT '',
  about              text,
  -- Whom the channel's messaging targets (frames.md): ua, ru, west, monitor.
  -- NULL until an analyst assigns it (an export imported without --audience).
  audience           text CHECK (audience IN ('ua', 'ru', 'west', 'monitor')),
  labels             text[] NOT NULL DEFAULT '{}',
  -- MTProto access hash: a signed 64-bit integer kept as text, resolved once
  -- so the collector never re-resolves usernames (ResolveUsername floods).
  access_hash        text,
  status             text NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'paused', 'no_preview', 'not_found', 'private', 'error')),
  status_detail      text,
  -- Collection cursors. They advance only in the transaction that stores the
  -- posts they cover (see services/posts/store.ts).
  newest_message_id  integer,
  oldest_message_id  integer,
  backfill_until     timestamptz,
  backfill_done      boolean NOT NULL DEFAULT false,
  last_collected_at  timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (username IS NOT NULL OR telegram_id IS NOT NULL)
);
CREATE INDEX channels_audience_idx ON channels (audience);

-- Subscriber counts over time, one row per observation.
CREATE TABLE subscriber_snapshots (
  channel_id   bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  observed_at  timestamptz NOT NULL,
  subscribers  integer NOT NULL CHECK (subscribers >= 0),
  -- false when the source only showed an abbreviated counter ("64.3K").
  exact        boolean NOT NULL DEFAULT true,
  source       text NOT NULL CHECK (source IN ('mtproto', 'web', 'export', 'manual')),
  PRIMARY KEY (channel_id, observed_at)
);

-- One row per channel post: its current state. Earlier texts live in
-- post_versions. The key is Telegram's own (channel, message id), so every
-- source upserts the same row and a re-import is a no-op.
CREATE TABLE posts (
  channel_id            bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  message_id            integer NOT NULL CHECK (message_id > 0),
  posted_at             timestamptz NOT NULL,
  -- Plain text with entities flattened; '' for a media-only post.
  text                  text NOT NULL DEFAULT '',
  -- Formatting and links as [{"type","offset","length","url"?}], offsets in
  -- UTF-16 code units as Telegram counts them. NULL when there are none.
  entities              jsonb,
  views                 integer CHECK (views >= 0),
  forwards              integer CHECK (forwards >= 0),
  replies               integer CHECK (replies >= 0),
  -- [{"reaction": "👍" | "custom:<document id>" | "paid", "count": n}]
  reactions             jsonb,
  reactions_total       integer CHECK (reactions_total >= 0),
  edited_at             timestamptz,
  -- Set when a source reports the post gone; the text is kept.
  deleted_at            timestamptz,
  -- Forwarded-from: the origin channel's Telegram id (it need not be a
  -- monitored channel), its message id, and the name the source showed.
  fwd_from_telegram_id  bigint,
  fwd_from_message_id   integer,
  fwd_from_name         text,
  media_kind            text CHECK (media_kind IN ('photo', 'video', 'animation', 'audio', 'voice', 'video_note',
                                                   'sticker', 'document', 'poll', 'location', 'contact', 'webpage', 'other')),
  -- Album id: posts sent as one album share it (64-bit, kept as text).
  grouped_id            text,
  -- 1 for the first text seen; +1 for every edit (post_versions holds the old ones).
  version               integer NOT NULL DEFAULT 1,
  source                text NOT NULL CHECK (source IN ('mtproto', 'web', 'export')),
  first_seen_at         timestamptz NOT NULL DEFAULT now(),
  last_seen_at          timestamptz NOT NULL DEFAULT now(),
  -- Classification summary; the per-frame detail is in frame_tags.
  lang                  text,
  on_topic              boolean,
  classifier_version    text,
  classified_at         timestamptz,
  PRIMARY KEY (channel_id, message_id)
);
-- One channel over a time range (drill-down, per-channel trends, collectors).
CREATE INDEX posts_channel_time_idx ON posts (channel_id, posted_at);
-- Everything over a time range; audience filters join the small channels table.
CREATE INDEX posts_time_idx ON posts (posted_at);
-- Who amplifies whom.
CREATE INDEX posts_fwd_from_idx ON posts (fwd_from_telegram_id) WHERE fwd_from_telegram_id IS NOT NULL;

-- Superseded texts: when a post's text (or edit time) changes, the previous
-- state is copied here before the row in posts is overwritten.
CREATE TABLE post_versions (
  channel_id     bigint NOT NULL,
  message_id     integer NOT NULL,
  version        integer NOT NULL,
  text           text NOT NULL,
  entities       jsonb,
  -- The edit time of this version (NULL for the original text): it was
  -- current from edited_at (or the post's posted_at) until superseded_at,
  -- when we first saw the text that replaced it.
  edited_at      timestamptz,
  superseded_at  timestamptz NOT NULL,
  PRIMARY KEY (channel_id, message_id, version),
  FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id) ON DELETE CASCADE
);

-- The narrative frames a post advances (frames.md), one row per frame, with
-- the evidence spans that triggered it. posted_at is copied from posts so the
-- drill-down "posts with frame F in this range" needs no join.
CREATE TABLE frame_tags (
  channel_id          bigint NOT NULL,
  message_id          integer NOT NULL,
  frame               text NOT NULL,
  score               real NOT NULL CHECK (score >= 0 AND score <= 1),
  -- [{"start","end","text"}]: offsets into posts.text in UTF-16 code units.
  evidence            jsonb NOT NULL DEFAULT '[]',
  classifier_version  text NOT NULL,
  posted_at           timestamptz NOT NULL,
  PRIMARY KEY (channel_id, message_id, frame),
  FOREIGN KEY (channel_id, message_id) REFERENCES posts (channel_id, message_id) ON DELETE CASCADE
);
CREATE INDEX frame_tags_frame_time_idx ON frame_tags (frame, posted_at);

-- Every import run, for the operator: what came in from which file.
CREATE TABLE imports (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id     bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  file_name      text NOT NULL,
  file_bytes     bigint NOT NULL,
  file_sha256    text NOT NULL,
  messages       integer NOT NULL,
  inserted       integer NOT NULL,
  updated        integer NOT NULL,
  unchanged      integer NOT NULL,
  started_at     timestamptz NOT NULL,
  finished_at    timestamptz NOT NULL DEFAULT now()
);
