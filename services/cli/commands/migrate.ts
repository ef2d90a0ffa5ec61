import { migrate } from '../../db/migrate.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'creates the database if missing and applies all migrations',
  usage: 'migrate',
  async run({ io, container }) {
    const result = await migrate(container.config.databaseUrl);
    if (result.createdDatabase) io.stdout.write(`created database ${new URL(container.config.databaseUrl).pathname.slice(1)}\n`);
    io.stdout.write(
      result.applied.length > 0 ? `applied ${result.applied.join(', ')}\n` : 'database is up to date\n',
    );
  },
};
