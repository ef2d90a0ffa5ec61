// Calendar arithmetic on UTC days written as "YYYY-MM-DD", the unit of the
// rollups. Trend buckets follow PostgreSQL's date_trunc: weeks start on
// Monday (ISO), months on the 1st.

export type TrendBucket = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;

export function dayToMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return msToDay(dayToMs(day) + n * DAY_MS);
}

/** The first day of the bucket that contains `day`. */
export function periodStart(day: string, bucket: TrendBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(dayToMs(day)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

export function nextPeriod(start: string, bucket: TrendBucket): string {
  if (bucket === 'day') return addDays(start, 1);
  if (bucket === 'week') return addDays(start, 7);
  const d = new Date(dayToMs(start));
  return msToDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** Starts of every bucket that overlaps [from, to), in order. */
export function periodStarts(from: string, to: string, bucket: TrendBucket): string[] {
  const out: string[] = [];
  for (let t = periodStart(from, bucket); t < to; t = nextPeriod(t, bucket)) out.push(t);
  return out;
}

/** Today in UTC. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
