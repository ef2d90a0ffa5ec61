// The demo: the whole product on bundled sample data. It grows with each
// capability: today it migrates, registers the sample channels and imports
// their Telegram Desktop exports.
import { migrate } from '../../db/migrate.ts';
import { loadSampleChannels } from '../../samples/load.ts';
import type { Command } from '../command.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'migrates, loads the bundled sample channels and shows what was stored',
  usage: 'demo',
  async run({ io, container }) {
    const say = (line: string) => io.stdout.write(`${line}\n`);
    const { applied } = await migrate(container.config.databaseUrl);
    say(`database ready (${applied.length} migrations applied)`);
    await loadSampleChannels(container.db, {
      onChannel: (sample, summary) => say(`@${sample.username} (${sample.audience}): ${summary.posts} posts, ${summary.inserted} new`),
    });
  },
};
