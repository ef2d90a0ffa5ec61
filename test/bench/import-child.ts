// Child process of import.bench.ts: imports one file, prints timing and peak memory as JSON.
import { createDb } from '../../services/db/db.ts';
import { importTelegramExport } from '../../services/exports/importer.ts';

const [url, file, batch] = process.argv.slice(2);
const db = createDb(url!);
const started = performance.now();
const summary = await importTelegramExport(db, file!, { audience: 'ru', batchSize: Number(batch) });
const seconds = (performance.now() - started) / 1000;
await db.close();
process.stdout.write(JSON.stringify({
  seconds: Math.round(seconds * 10) / 10,
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  inserted: summary.inserted,
  unchanged: summary.unchanged,
}));
