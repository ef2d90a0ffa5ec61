// Digest subscriptions, the weeks already sent, and the example posts a digest quotes.
import type { Queryable } from '../db/db.ts';

export interface DigestSubscription {
  id: number;
  email: string;
  audiences: string[] | null;
  frames: string[] | null;
  /** ISO weekday (1 = Monday) and UTC hour the previous week's digest goes out. */
  weekday: number;
  hour: number;
  createdAt: Date;
}

const COLUMNS = 'id, email, audiences, frames, weekday, hour, created_at AS "createdAt"';

export async function createSubscription(db: Queryable, s: Omit<DigestSubscription, 'id' | 'createdAt'>): Promise<DigestSubscription> {
  const { rows } = await db.query<DigestSubscription>(
    `INSERT INTO digest_subscriptions (email, audiences, frames, weekday, hour) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [s.email, s.audiences, s.frames, s.weekday, s.hour],
  );
  return rows[0]!;
}

export async function listSubscriptions(db: Queryable): Promise<DigestSubscription[]> {
  const { rows } = await db.query<DigestSubscription>(`SELECT ${COLUMNS} FROM digest_subscriptions ORDER BY id`);
  return rows;
}

export async function getSubscription(db: Queryable, id: number): Promise<DigestSubscription | null> {
  const { rows } = await db.query<DigestSubscription>(`SELECT ${COLUMNS} FROM digest_subscriptions WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The oldest subscription of an address (what `digest send --email` uses for its filters). */
export async function subscriptionByEmail(db: Queryable, email: string): Promise<DigestSubscription | null> {
  const { rows } = await db.query<DigestSubscription>(`SELECT ${COLUMNS} FROM digest_subscriptions WHERE lower(email) = lower($1) ORDER BY id LIMIT 1`, [email]);
  return rows[0] ?? null;
}

export async function deleteSubscription(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM digest_subscriptions WHERE id = $1', [id]);
  return rowCount > 0;
}

export async function wasSent(db: Queryable, subscriptionId: number, week: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM digest_sends WHERE subscription_id = $1 AND week = $2::date', [subscriptionId, week]);
  return rowCount > 0;
}

export async function recordSent(db: Queryable, subscriptionId: number, week: string, messageId: string, at: Date): Promise<void> {
  await db.query(
    'INSERT INTO digest_sends (subscription_id, week, sent_at, message_id) VALUES ($1, $2::date, $3, $4) ON CONFLICT DO NOTHING',
    [subscriptionId, week, at, messageId],
  );
}

export interface ExamplePostRow {
  channelId: number;
  username: string | null;
  title: string;
  messageId: number;
  postedAt: Date;
  text: string;
}

/** The most viewed posts of an audience carrying a frame in [from, to). */
export async function examplePosts(db: Queryable, q: { audience: string; frame: string; from: string; to: string; limit: number }): Promise<ExamplePostRow[]> {
  const { rows } = await db.query<{ channel_id: number; username: string | null; title: string; message_id: number; posted_at: Date; text: string }>(
    `SELECT t.channel_id, c.username, c.title, t.message_id, p.posted_at, p.text
       FROM frame_tags t JOIN posts p ON p.channel_id = t.channel_id AND p.message_id = t.message_id JOIN channels c ON c.id = t.channel_id
      WHERE t.frame = $1 AND c.audience = $2 AND t.posted_at >= $3::date::timestamp AT TIME ZONE 'UTC' AND t.posted_at < $4::date::timestamp AT TIME ZONE 'UTC' AND p.deleted_at IS NULL
      ORDER BY p.views DESC NULLS LAST, p.posted_at DESC LIMIT $5`,
    [q.frame, q.audience, q.from, q.to, q.limit],
  );
  return rows.map((r) => ({ channelId: r.channel_id, username: r.username, title: r.title, messageId: r.message_id, postedAt: r.posted_at, text: r.text }));
}
