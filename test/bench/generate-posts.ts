// Fills a database with synthetic channels, subscriber snapshots, posts and
// frame tags at scale (10M posts over 2,000 channels by default), all in SQL
// (generate_series; nothing crosses the wire), then computes both rollup
// levels in one pass each. The database is reused by later runs when it was
// built by the same generator version, size and migrations (bench_meta).
//
// Loading is done the bulk way: the constraints and indexes of the big tables
// are dropped first and rebuilt afterwards with exactly the migrations'
// definitions (read back from the catalog), and foreign-key and snapshot
// triggers are off for the loading session (session_replication_role). The
// data is consistent by construction.
import { createHash } from 'node:crypto';
import { createDb, quoteIdent, runOnDatabase, type Db } from '../../services/db/db.ts';
import { loadMigrations, migrate } from '../../services/db/migrate.ts';
import { ADMIN_URL, databaseUrl } from '../helpers/pg.ts';

export const GENERATOR_VERSION = 4;

export interface GenerateOptions {
  posts: number;
  channels: number;
  /** First day of the data (UTC); the data spans `days` days. */
  start: string;
  days: number;
  log(line: string): void;
}

export interface GeneratedDatabase {
  url: string;
  name: string;
  reused: boolean;
  /** Seconds the generation took (when reused: the original run's). */
  seconds: number;
  posts: number;
  channels: number;
}

const BIG_TABLES = ['posts', 'post_versions', 'frame_tags'];

async function migrationsChecksum(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await loadMigrations()) hash.update(m.name).update(m.checksum);
  return hash.digest('hex').slice(0, 16);
}

export async function ensureBenchDatabase(options: GenerateOptions): Promise<GeneratedDatabase> {
  const name = `framewatch_bench_api_${options.posts}`;
  const url = databaseUrl(name);
  const checksum = await migrationsChecksum();
  const exists = await runOnDatabase(ADMIN_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount > 0) {
    const db = createDb(url, { max: 1 });
    try {
      const { rows } = await db.query<{ version: number; checksum: string; posts: number; channels: number; seconds: number; start_day: string; days: number }>(
        'SELECT version, checksum, posts, channels, seconds, start_day::text, days FROM bench_meta',
      ).catch(() => ({ rows: [] as never[] }));
      const meta = rows[0];
      if (meta && meta.version === GENERATOR_VERSION && meta.checksum === checksum && meta.posts === options.posts
        && meta.channels === options.channels && meta.start_day === options.start && meta.days === options.days) {
        options.log(`reusing ${name} (generated in ${meta.seconds.toFixed(0)} s)`);
        return { url, name, reused: true, seconds: meta.seconds, posts: meta.posts, channels: meta.channels };
      }
    } finally {
      await db.close();
    }
    options.log(`${name} is from another generator version or size: rebuilding`);
    await runOnDatabase(ADMIN_URL, `DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
  }
  const started = performance.now();
  await migrate(url);
  // Two connections: the posts are written by two sessions in parallel.
  const db = createDb(url, { max: 2 });
  try {
    await generate(db, options);
    const seconds = (performance.now() - started) / 1000;
    await db.query(`CREATE TABLE bench_meta (version int, checksum text, posts bigint, channels int, start_day date, days int, seconds float8, created_at timestamptz DEFAULT now())`);
    await db.query('INSERT INTO bench_meta (version, checksum, posts, channels, start_day, days, seconds) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      GENERATOR_VERSION, checksum, options.posts, options.channels, options.start, options.days, seconds,
    ]);
    return { url, name, reused: false, seconds, posts: options.posts, channels: options.channels };
  } finally {
    await db.close();
  }
}

async function step(log: (line: string) => void, label: string, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// Fragments of post texts (Russian, Ukrainian, English), on topic and off.
const TOPIC = [
  'Никаких северокорейских солдат под Курском нет', 'Северокорейские военные штурмовали посёлок', 'Корейцы взяли село за два часа',
  'Киев похитил корейских пленных', 'Пушечное мясо Кима гибнет тысячами', 'Россия не одна: договор с КНДР',
  'Корейців відправили на смерть', 'Полонених корейців показали журналістам', 'Північнокорейські військові не вміють воювати з дронами',
  'North Korean troops stormed the village', 'Kyiv kidnapped Korean soldiers for a staged show', 'No Koreans in Kursk, it is a hoax',
];
const TOPIC_TAIL = [
  'пишут военкоры', 'это фейк ЦИПсО', 'чтобы выбить ещё оружия и денег', 'кажуть речники', 'according to sources', 'видео с передовой',
  'джерела підтверджують', 'subscribe for updates', 'без комментариев', 'подробности в канале',
];
const OTHER = [
  'Погода в Москве на выходные', 'Курс гривні сьогодні', 'Market update: oil and gas', 'Новини спорту', 'Корейская морковь по-домашнему',
  'Пробки на МКАД', 'Енергетики попереджають про відключення', 'Football results', 'Выборы в Южной Корее', 'Новый сериал на выходные',
];

// A second sentence, so texts are ~120 characters like short channel posts.
const FILLER = [
  'Подписывайтесь на канал, здесь только проверенная информация.', 'Источник: наши корреспонденты на месте событий.',
  'Джерело: власні кореспонденти.', 'Більше новин у нашому каналі.', 'Follow us for more updates from the front.',
  'Официальные лица пока не комментируют.', 'Ситуація уточнюється, слідкуйте за оновленнями.', 'More details to follow.',
];

const FRAMES = ['denial', 'western_pretext', 'berserker_praise', 'incompetence', 'kidnapping', 'alliance_legitimation', 'cannon_fodder'];

// Per audience and frame: the base probability (per mille) that an on-topic
// post carries the frame; modulated over time below.
const ODDS: Record<string, number[]> = {
  ru: [300, 250, 250, 60, 120, 200, 40],
  ua: [250, 300, 80, 120, 100, 80, 200],
  west: [120, 350, 60, 80, 100, 300, 60],
  monitor: [30, 40, 20, 300, 30, 30, 350],
};

function sqlArray(values: readonly string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;
}

async function generate(db: Db, o: GenerateOptions): Promise<void> {
  const perChannel = Math.ceil(o.posts / o.channels);
  const log = o.log;

  // Constraints (foreign keys first) and indexes of the big tables, to rebuild after loading.
  const constraints = await db.query<{ table: string; name: string; def: string; fk: boolean }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, contype = 'f' AS fk
       FROM pg_constraint WHERE conrelid::regclass::text = ANY($1) AND contype IN ('p', 'f', 'u')
      ORDER BY (contype = 'f') DESC`,
    [BIG_TABLES],
  );
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE tablename = ANY($1) AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
    [BIG_TABLES],
  );
  await step(log, 'drop constraints and indexes', async () => {
    for (const c of constraints.rows) await db.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${quoteIdent(c.name)}`);
    for (const i of indexes.rows) await db.query(`DROP INDEX ${quoteIdent(i.name)}`);
  });

  const session = "SET session_replication_role = replica; SET synchronous_commit = off; SET work_mem = '256MB'; SET jit = off";

  await step(log, `${o.channels} channels, weekly subscriber snapshots`, async () => {
    await db.withClient(async (c) => {
      await c.query(session);
      // Audiences: 40% ru, 20% ua, 20% west, 20% monitor. Subscribers: 1k to ~1M, growing ~20% over the period.
      await c.query(
        `INSERT INTO channels (telegram_id, username, title, audience, status, last_collected_at)
         SELECT 1500000000 + i, 'bench_' || lpad(i::text, 5, '0'), 'Bench channel ' || i,
                (ARRAY['ru','ru','ru','ru','ua','ua','west','west','monitor','monitor'])[1 + i % 10],
                'active', now() - (i % 600) * interval '1 second'
           FROM generate_series(1, $1::int) AS i`,
        [o.channels],
      );
      await c.query(
        `INSERT INTO subscriber_snapshots (channel_id, observed_at, subscribers, exact, source)
         SELECT c.id, (($1::date + w * 7)::timestamp + interval '6 hours') AT TIME ZONE 'UTC',
                (1000 + abs(hashint8(c.id)) % 1000000) * (100 + w * 20 / ($2::int / 7 + 1)) / 100, true, 'mtproto'
           FROM channels c CROSS JOIN generate_series(0, $2::int / 7 + 1) AS w`,
        [o.start, o.days],
      );
    });
  });

  // Channel ids are 1..channels in this fresh database, telegram ids 1500000000 + id.
  // posts: channel c gets its messages 1..perChannel spread evenly over the
  // period with jitter; message ids increase with time, as on Telegram.
  // On-topic share: ~25%, up to ~45% in the weeks after the first reports
  // (days 35-120); ~7% of posts are forwards (60% from another bench channel).
  const postsSql = `
    INSERT INTO posts (channel_id, message_id, posted_at, text, views, forwards, fwd_from_telegram_id, fwd_from_message_id, fwd_from_name,
                       version, source, first_seen_at, last_seen_at, lang, on_topic, classifier_version, classified_at)
    SELECT c, m, t,
           CASE WHEN topic THEN (${sqlArray(TOPIC)})[1 + h1 % ${TOPIC.length}] || ', ' || (${sqlArray(TOPIC_TAIL)})[1 + h2 % ${TOPIC_TAIL.length}]
                ELSE (${sqlArray(OTHER)})[1 + h1 % ${OTHER.length}] || ' #' || (h2 % 1000) END
             || '. ' || (${sqlArray(FILLER)})[1 + h3 % ${FILLER.length}] || ' ' || (${sqlArray(OTHER)})[1 + h4 % ${OTHER.length}] || '.',
           CASE WHEN h3 % 20 = 0 THEN NULL ELSE h3 % 50000 END,
           h2 % 300,
           CASE WHEN h4 % 100 < 4 THEN 1500000001 + h4 % $3::int WHEN h4 % 100 < 7 THEN 900000 + h4 % 50 END,
           CASE WHEN h4 % 100 < 7 THEN 1 + h1 % 5000 END,
           CASE WHEN h4 % 100 < 4 THEN 'Bench channel ' || (1 + h4 % $3::int) WHEN h4 % 100 < 7 THEN 'Outside ' || (h4 % 50) END,
           1, 'mtproto', t, t, CASE WHEN h1 % 3 = 0 THEN 'uk' WHEN h1 % 7 = 0 THEN 'en' ELSE 'ru' END, topic, 'bench-1', t
      FROM (
        SELECT c, m, t, h1, h2, h3, h4,
               (h5 % 1000) < 250 + CASE WHEN extract(epoch FROM t - $4::date::timestamptz) / 86400 BETWEEN 35 AND 120 THEN 200 ELSE 0 END AS topic
          FROM (
            SELECT c, m,
                   $4::date::timestamptz + ((m - 1 + (abs(hashint8(c * 7919 + m)) % 1000) / 1000.0) * $5::float8 / $6::int) * interval '1 day' AS t,
                   abs(hashint8(c::bigint * 1000003 + m)) AS h1, abs(hashint8(c::bigint * 1000033 + m)) AS h2,
                   abs(hashint8(c::bigint * 1000037 + m)) AS h3, abs(hashint8(c::bigint * 1000039 + m)) AS h4,
                   abs(hashint8(c::bigint * 1000081 + m)) AS h5
              FROM generate_series($1::int, $2::int) AS c CROSS JOIN generate_series(1, $6::int) AS m
          ) g
      ) x`;
  await step(log, `${(perChannel * o.channels).toLocaleString('en-US')} posts (two sessions)`, async () => {
    const half = Math.floor(o.channels / 2);
    await Promise.all([
      [1, half],
      [half + 1, o.channels],
    ].map(([from, to]) => db.withClient(async (c) => {
      await c.query(session);
      await c.query(postsSql, [from, to, o.channels, o.start, o.days, perChannel]);
    })));
  });

  // frame_tags: per audience and frame a base probability; denial fades over
  // the period, kidnapping jumps after the first captures (day 102,
  // 2025-01-11 when the data starts 2024-10-01) and in week 16 spikes in the
  // Russian audience.
  const odds = Object.entries(ODDS).flatMap(([aud, ps]) => ps.map((p, i) => `('${aud}', '${FRAMES[i]}', ${i}, ${p})`)).join(', ');
  await step(log, 'frame tags', async () => {
    await db.withClient(async (c) => {
      await c.query(session);
      await c.query(
        `INSERT INTO frame_tags (channel_id, message_id, frame, score, evidence, classifier_version, posted_at)
         SELECT p.channel_id, p.message_id, o.frame, 0.5 + (abs(hashint8(p.channel_id * 31 + p.message_id)) % 50) / 100.0,
                '[]', 'bench-1', p.posted_at
           FROM posts p JOIN channels ch ON ch.id = p.channel_id
           JOIN (VALUES ${odds}) AS o(audience, frame, idx, permille) ON o.audience = ch.audience
           CROSS JOIN LATERAL (SELECT extract(epoch FROM p.posted_at - $1::date::timestamptz) / 86400 AS day) d
          WHERE p.on_topic
            AND abs(hashint8(p.channel_id::bigint * 100000 + p.message_id * 10 + o.idx)) % 1000 <
                o.permille * CASE
                  WHEN o.frame = 'denial' THEN 1.4 - d.day / $2::float8
                  WHEN o.frame = 'kidnapping' AND d.day < 102 THEN 0.3
                  WHEN o.frame = 'kidnapping' AND o.audience = 'ru' AND d.day BETWEEN 105 AND 112 THEN 4.5
                  WHEN o.frame = 'kidnapping' THEN 1.5
                  ELSE 1 END`,
        [o.start, o.days],
      );
    });
  });

  await step(log, 'rebuild constraints and indexes', async () => {
    await db.withClient(async (c) => {
      await c.query("SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2");
      for (const k of [...constraints.rows].reverse()) {
        const t0 = performance.now();
        await c.query(`ALTER TABLE ${k.table} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.def}`);
        log(`  ${k.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      for (const i of indexes.rows) {
        const t0 = performance.now();
        await c.query(i.def);
        log(`  ${i.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    });
  });

  // Both rollup levels in one pass each, with the same definitions as
  // services/trends/rollups.ts (the API tests hold those to a direct count).
  await step(log, 'rollups', async () => {
    await db.withClient(async (c) => {
      await c.query(session);
      await c.query(
        `CREATE TEMP TABLE day_weights AS
         SELECT ch.id AS channel_id, d::date AS day, nearest_subscribers(ch.id, d::date) AS subscribers
           FROM channels ch CROSS JOIN generate_series($1::date, $1::date + $2::int, interval '1 day') AS d`,
        [o.start, o.days],
      );
      await c.query('CREATE INDEX ON day_weights (channel_id, day)');
      await c.query(`
        INSERT INTO daily_rollups (day, channel_id, bucket, posts, views, views_known, subscribers)
        SELECT x.day, x.channel_id, x.bucket, count(*)::int, COALESCE(sum(x.views), 0), count(x.views)::int, min(w.subscribers)
          FROM (
            SELECT channel_id, (posted_at AT TIME ZONE 'UTC')::date AS day, views, b.bucket
              FROM posts CROSS JOIN LATERAL (SELECT '_all'::text AS bucket UNION ALL SELECT '_on_topic' WHERE on_topic) b
            UNION ALL
            SELECT f.channel_id, (f.posted_at AT TIME ZONE 'UTC')::date, p.views, f.frame
              FROM frame_tags f JOIN posts p USING (channel_id, message_id) WHERE p.on_topic
          ) x
          LEFT JOIN day_weights w ON w.channel_id = x.channel_id AND w.day = x.day
         GROUP BY x.day, x.channel_id, x.bucket`);
      await c.query(`
        INSERT INTO audience_rollups (day, audience, bucket, posts, views, views_known, reach)
        SELECT r.day, COALESCE(ch.audience, 'unassigned'), r.bucket, sum(r.posts), sum(r.views), sum(r.views_known),
               sum(r.posts::bigint * COALESCE(r.subscribers, 0))
          FROM daily_rollups r JOIN channels ch ON ch.id = r.channel_id
         GROUP BY 1, 2, 3`);
      await c.query('TRUNCATE rollup_dirty, audience_rollup_dirty');
    });
  });

  await step(log, 'vacuum analyze', async () => {
    for (const table of ['channels', 'subscriber_snapshots', 'posts', 'frame_tags', 'daily_rollups', 'audience_rollups']) {
      await db.query(`VACUUM (ANALYZE) ${table}`);
    }
  });
}
