-- Channel collection (issue 3): the state a crash-safe, resumable collector
-- needs beyond 001's cursors, and the account an access hash belongs to.

-- New posts are read newest first, page by page, down to newest_message_id.
-- While such a walk is unfinished, [catchup_before, catchup_top] is the span
-- already stored; newest_message_id moves to catchup_top only when the walk
-- meets it, so at every commit "all posts between the cursors are stored"
-- stays true and a killed collector resumes at catchup_before.
ALTER TABLE channels
  ADD COLUMN catchup_top     integer,
  ADD COLUMN catchup_before  integer,
  ADD CONSTRAINT channels_catchup_pair CHECK ((catchup_top IS NULL) = (catchup_before IS NULL)),
  -- Access hashes are per account: the fingerprint of the MTProto session
  -- that resolved access_hash (never the session itself). A channel is only
  -- read through that account, or resolved again by another.
  ADD COLUMN mtproto_account text;

-- Every collection pass, for the operator and the pacing numbers.
CREATE TABLE collection_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id    bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('poll', 'snapshot', 'refresh', 'once')),
  source        text NOT NULL CHECK (source IN ('mtproto', 'web')),
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  requests      integer NOT NULL DEFAULT 0,
  inserted      integer NOT NULL DEFAULT 0,
  edited        integer NOT NULL DEFAULT 0,
  deleted       integer NOT NULL DEFAULT 0,
  outcome       text NOT NULL,
  detail        text
);
CREATE INDEX collection_runs_channel_idx ON collection_runs (channel_id, started_at);
