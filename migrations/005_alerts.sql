-- Alerts: webhook subscriptions, the events they are told about, one
-- delivery per (webhook, event) with every HTTP attempt logged, and weekly
-- digest subscriptions with the weeks already sent. docs/alerts.md explains.

-- The secret is stored as given (not hashed): every delivery is signed with it.
CREATE TABLE webhooks (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url          text NOT NULL CHECK (url ~ '^https?://'),
  secret       text NOT NULL CHECK (length(secret) >= 16),
  -- NULL: no restriction on that dimension.
  frames       text[],
  audiences    text[],
  channel_ids  bigint[],
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Events are stored once, under a deterministic id (a replayed job finds its
-- event already here and delivers nothing twice); data is the payload's "data".
CREATE TABLE alert_events (
  id          text PRIMARY KEY,
  type        text NOT NULL CHECK (type IN ('post.framed', 'frame.first_seen', 'frame.spike')),
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_events_created_idx ON alert_events (created_at);

-- One delivery of one event to one webhook; its id is the X-Framewatch-Delivery
-- header, the same on every retry.
CREATE TABLE webhook_deliveries (
  id            text PRIMARY KEY,
  webhook_id    bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id      text NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (webhook_id, event_id)
);
-- The sweep that re-enqueues deliveries a crash or a Redis outage left behind.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (created_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id   text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt       integer NOT NULL CHECK (attempt >= 1),
  attempted_at  timestamptz NOT NULL,
  -- The HTTP status, or NULL with an error when no response came (refused, timeout).
  status_code   integer,
  error         text,
  duration_ms   integer NOT NULL CHECK (duration_ms >= 0),
  CHECK (status_code IS NOT NULL OR error IS NOT NULL)
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
-- /metrics counts the last day's attempts.
CREATE INDEX webhook_attempts_time_idx ON webhook_attempts (attempted_at);

CREATE TABLE digest_subscriptions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email       text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
  audiences   text[],
  frames      text[],
  -- When the digest of the week just ended goes out: ISO weekday (1 = Monday) and UTC hour.
  weekday     smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
  hour        smallint NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A week's digest goes to a subscription once, whoever sends it.
CREATE TABLE digest_sends (
  subscription_id  bigint NOT NULL REFERENCES digest_subscriptions (id) ON DELETE CASCADE,
  week             date NOT NULL,
  sent_at          timestamptz NOT NULL DEFAULT now(),
  message_id       text,
  PRIMARY KEY (subscription_id, week)
);
