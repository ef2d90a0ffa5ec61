-- Daily rollups per channel and frame, so trend and audience-comparison
-- queries read a few thousand small rows instead of scanning posts.
--
-- One row per (UTC day, channel, bucket) where bucket is
--   '_all'       every stored post of that channel and day,
--   '_on_topic'  the posts the classifier found on topic (the share's denominator),
--   <frame id>   the on-topic posts carrying that frame.
-- posts counts posts; views sums their latest known view counts (NULL views
-- count as 0, and views_known tells how many posts had a count at all).
CREATE TABLE daily_rollups (
  day          date NOT NULL,
  channel_id   bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  bucket       text NOT NULL,
  posts        integer NOT NULL CHECK (posts >= 0),
  views        bigint NOT NULL CHECK (views >= 0),
  views_known  integer NOT NULL CHECK (views_known >= 0),
  PRIMARY KEY (day, channel_id, bucket)
);
-- Trends by frame over a range ("share of kidnapping per week") read this.
CREATE INDEX daily_rollups_bucket_day_idx ON daily_rollups (bucket, day);

-- (channel, day) pairs whose rollup rows are stale. Writers of posts and of
-- tags mark them in their own transaction; refreshRollups recomputes and
-- clears them, so rollups are exact whenever this table is empty.
CREATE TABLE rollup_dirty (
  channel_id  bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  day         date NOT NULL,
  PRIMARY KEY (channel_id, day)
);

-- Finding posts still to classify (new, edited, or tagged by an older version)
-- without scanning every post: the partial index holds only the untagged ones.
CREATE INDEX posts_unclassified_idx ON posts (channel_id, message_id) WHERE classifier_version IS NULL;
