// Numbers as t.me prints them: abbreviated views and counters ("987", "1.2K",
// "4.85K", "3.4M") and exact subscriber counts ("12 345 subscribers", with
// spaces or no-break spaces between thousands).

export interface ParsedCount {
  value: number;
  /** How far the true number may be above `value` (Telegram truncates, "1.2K" is 1200..1299). */
  precision: number;
  exact: boolean;
}

const MULTIPLIERS: Record<string, number> = { K: 1_000, M: 1_000_000, B: 1_000_000_000 };

/** "1.2K" → 1200 (precision 100); "987" → 987 exact; null when it is not a count. */
export function parseAbbreviatedCount(text: string): ParsedCount | null {
  const m = /^(\d+)(?:[.,](\d+))?\s*([KMB])?$/i.exec(text.replace(/[\s\u00a0]+/g, ' ').trim());
  if (!m) return null;
  const suffix = m[3]?.toUpperCase();
  const decimals = m[2] ?? '';
  if (!suffix) {
    if (decimals !== '') return null; // "1.5" without a unit is not something t.me prints
    return { value: Number(m[1]), precision: 0, exact: true };
  }
  const unit = MULTIPLIERS[suffix]!;
  const value = Math.round(Number(`${m[1]}.${decimals || '0'}`) * unit);
  return { value, precision: unit / 10 ** decimals.length, exact: false };
}

/** "12 345 subscribers" → 12345; "64.3K subscribers" → 64300 inexact; null without a number. */
export function parseCounterText(text: string): ParsedCount | null {
  const m = /^([\d\s\u00a0.,]+[KMB]?)\s*[a-z]/i.exec(text.trim());
  if (!m) return null;
  const number = m[1]!.trim();
  if (/^\d{1,3}([\s\u00a0,]\d{3})+$/.test(number)) {
    return { value: Number(number.replace(/[\s\u00a0,]/g, '')), precision: 0, exact: true };
  }
  return parseAbbreviatedCount(number);
}
