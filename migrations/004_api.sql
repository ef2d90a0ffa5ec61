-- The analyst API (issue 5): API keys, reach-weighted and audience-level
-- rollups so trends and audience comparisons never scan posts, and a
-- full-text index that finds inflected Russian, Ukrainian and English words.
-- docs/api.md and docs/search.md explain the choices.

-- API keys. Only a SHA-256 of each key is stored: keys are 256 random bits,
-- so a fast hash is enough (nobody can brute-force the preimage) and lets a
-- request find its key through the unique index. key_prefix (the first few
-- characters, not secret on their own) tells keys apart in listings.
CREATE TABLE api_keys (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (name <> ''),
  scope         text NOT NULL CHECK (scope IN ('read', 'admin')),
  key_hash      bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  key_prefix    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- Written at most once a minute per key per API process, not per request.
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

-- The subscriber count that weights a channel's posts of one UTC day: the
-- snapshot nearest to noon UTC of that day (the earlier one on a tie), NULL
-- when the channel has no snapshot. Day resolution is what lets reach-weighted
-- shares come from daily rollups; docs/api.md defines it.
CREATE FUNCTION nearest_subscribers(p_channel_id bigint, p_day date) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.subscribers FROM (
    (SELECT subscribers, observed_at FROM subscriber_snapshots
      WHERE channel_id = p_channel_id AND observed_at <= (p_day + time '12:00') AT TIME ZONE 'UTC'
      ORDER BY observed_at DESC LIMIT 1)
    UNION ALL
    (SELECT subscribers, observed_at FROM subscriber_snapshots
      WHERE channel_id = p_channel_id AND observed_at > (p_day + time '12:00') AT TIME ZONE 'UTC'
      ORDER BY observed_at LIMIT 1)
  ) s
  ORDER BY abs(extract(epoch FROM s.observed_at - (p_day + time '12:00') AT TIME ZONE 'UTC')), s.observed_at
  LIMIT 1
$$;

-- Every rollup row of a (channel, day) carries that day's subscriber weight,
-- so reach = posts x subscribers sums exactly.
ALTER TABLE daily_rollups ADD COLUMN subscribers integer CHECK (subscribers >= 0);
-- One channel's rows (a channel's trend, groupBy=channel, first-seen events,
-- marking a channel's days stale) without walking every day's rows.
CREATE INDEX daily_rollups_channel_bucket_day_idx ON daily_rollups (channel_id, bucket, day);

-- The second level: daily_rollups summed over each audience. A year of weekly
-- trends by audience reads ~13,000 of these rows instead of ~1.5 million
-- channel rows (2,000 channels). Channels without an audience count under
-- 'unassigned', so totals over every audience equal totals over every channel.
CREATE TABLE audience_rollups (
  day          date NOT NULL,
  audience     text NOT NULL CHECK (audience IN ('ua', 'ru', 'west', 'monitor', 'unassigned')),
  bucket       text NOT NULL,
  posts        integer NOT NULL CHECK (posts >= 0),
  views        bigint NOT NULL CHECK (views >= 0),
  views_known  integer NOT NULL CHECK (views_known >= 0),
  -- sum over the audience's channels of posts x subscribers (channels with no snapshot add 0).
  reach        bigint NOT NULL CHECK (reach >= 0),
  PRIMARY KEY (audience, bucket, day)
);
CREATE INDEX audience_rollups_day_idx ON audience_rollups (day);

-- Days whose audience rows are stale. refreshRollups marks the days it
-- recomputed; the triggers below mark the days a channel's audience change or
-- deletion affects. services/trends/rollups.ts recomputes them.
CREATE TABLE audience_rollup_dirty (
  day  date PRIMARY KEY
);

-- Triggers rather than calls in each writer: a channel's audience is set by
-- `channels add`, by `import --audience`, by the API and by whatever the
-- collectors grow, and subscriber snapshots come from several sources. A
-- trigger marks the affected rollups stale in the writer's own transaction,
-- exactly as the explicit markRollupsDirty calls do, and cannot be forgotten.
CREATE FUNCTION mark_channel_audience_days_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audience_rollup_dirty (day)
  SELECT day FROM daily_rollups WHERE channel_id = OLD.id AND bucket = '_all'
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER channels_audience_changed AFTER UPDATE OF audience ON channels
  FOR EACH ROW WHEN (OLD.audience IS DISTINCT FROM NEW.audience)
  EXECUTE FUNCTION mark_channel_audience_days_dirty();
-- BEFORE the delete, while the channel's rollup rows still exist (the
-- cascade removes them afterwards).
CREATE FUNCTION mark_deleted_channel_days_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audience_rollup_dirty (day)
  SELECT day FROM daily_rollups WHERE channel_id = OLD.id AND bucket = '_all'
  ON CONFLICT DO NOTHING;
  RETURN OLD;
END $$;
CREATE TRIGGER channels_deleted BEFORE DELETE ON channels
  FOR EACH ROW EXECUTE FUNCTION mark_deleted_channel_days_dirty();

-- A snapshot added, changed or removed at time T can change the nearest
-- snapshot only of days whose noon lies strictly between the neighbouring
-- snapshots before and after T: noon(D) > prev  <=>  D >= date(prev - 12 h) + 1,
-- and noon(D) < next  =>  D <= date(next - 12 h). A collector's new snapshot
-- (no next) marks today at most, and nothing when taken after noon with an
-- earlier one from the same afternoon.
CREATE FUNCTION mark_subscriber_days_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  lo date;
  hi date;
BEGIN
  FOR r IN SELECT * FROM (VALUES (CASE WHEN TG_OP <> 'INSERT' THEN OLD.channel_id END, CASE WHEN TG_OP <> 'INSERT' THEN OLD.observed_at END),
                                 (CASE WHEN TG_OP <> 'DELETE' THEN NEW.channel_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.observed_at END)) v(channel_id, at)
           WHERE v.channel_id IS NOT NULL LOOP
    SELECT ((max(observed_at) - interval '12 hours') AT TIME ZONE 'UTC')::date + 1 INTO lo FROM subscriber_snapshots
     WHERE channel_id = r.channel_id AND observed_at < r.at;
    SELECT ((min(observed_at) - interval '12 hours') AT TIME ZONE 'UTC')::date INTO hi FROM subscriber_snapshots
     WHERE channel_id = r.channel_id AND observed_at > r.at;
    INSERT INTO rollup_dirty (channel_id, day)
    SELECT channel_id, day FROM daily_rollups
     WHERE channel_id = r.channel_id AND bucket = '_all'
       AND day >= COALESCE(lo, '-infinity'::date) AND day <= COALESCE(hi, 'infinity'::date)
    ON CONFLICT DO NOTHING;
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER subscriber_snapshots_changed AFTER INSERT OR UPDATE OR DELETE ON subscriber_snapshots
  FOR EACH ROW EXECUTE FUNCTION mark_subscriber_days_dirty();

-- Fill the new column and the audience level for rollups computed before
-- this migration (a fresh database has none).
UPDATE daily_rollups r SET subscribers = w.subscribers
  FROM (SELECT DISTINCT channel_id, day FROM daily_rollups) d
  CROSS JOIN LATERAL (SELECT nearest_subscribers(d.channel_id, d.day) AS subscribers) w
 WHERE r.channel_id = d.channel_id AND r.day = d.day;
INSERT INTO audience_rollups (day, audience, bucket, posts, views, views_known, reach)
SELECT r.day, COALESCE(c.audience, 'unassigned'), r.bucket, sum(r.posts), sum(r.views), sum(r.views_known),
       sum(r.posts::bigint * COALESCE(r.subscribers, 0))
  FROM daily_rollups r JOIN channels c ON c.id = r.channel_id
 GROUP BY 1, 2, 3;

-- Who amplifies whom over a time range (GET /v1/graph/forwards) reads only
-- forwarded posts (~5-10% of all) instead of every post of the range.
CREATE INDEX posts_forwards_time_idx ON posts (posted_at)
  WHERE fwd_from_telegram_id IS NOT NULL OR fwd_from_name IS NOT NULL;

-- Full-text search over posts.text for Russian, Ukrainian and English
-- (docs/search.md). PostgreSQL has no Ukrainian stemmer, so each post is
-- indexed twice: 'simple' lexemes (every word form exactly as written,
-- lowercased: Ukrainian words are found by their stem as a prefix) and
-- 'russian' lexemes (Snowball stems for Cyrillic words, English stems for
-- Latin ones). An expression index rather than a stored tsvector column:
-- no table rewrite on tens of millions of rows, no second copy of every
-- text, and an update that leaves the text alone (fresh view counts, the
-- most frequent write) neither recomputes the vectors nor, when it can be a
-- HOT update, touches the index.
CREATE FUNCTION post_search_vector(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple'::regconfig, body) || to_tsvector('russian'::regconfig, body)
$$;
CREATE INDEX posts_search_idx ON posts USING gin (post_search_vector(text));
