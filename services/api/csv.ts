// CSV for `Accept: text/csv` (RFC 4180): comma-separated, CRLF line ends,
// a field quoted when it holds a comma, a quote, CR or LF, quotes doubled.
//
// Post texts come from propaganda channels and analysts open these files in
// spreadsheets, so a text cell starting with = + - @ (or a tab / CR) gets a
// leading apostrophe: otherwise the spreadsheet would run it as a formula
// (CSV injection). Numbers are written as numbers and never altered.

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** True when the client asked for CSV rather than JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  // The first listed type decides; quality values are rare from analysts' tools.
  const first = accept.split(',')[0]!.split(';')[0]!.trim().toLowerCase();
  return first === 'text/csv';
}
