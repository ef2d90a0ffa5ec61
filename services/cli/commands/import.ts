import { resolve } from 'node:path';
import { AUDIENCES, isAudience } from '../../channels/types.ts';
import { importTelegramExport } from '../../exports/importer.ts';
import { channelArgument, stringOption, UsageError, type Command } from '../command.ts';
import { createProgressBar, formatBytes } from '../progress.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'imports a Telegram Desktop channel export (result.json); idempotent, all or nothing',
  usage: 'import <result.json> [--audience ua|ru|west|monitor] [--channel @name]',
  positionals: 1,
  options: { audience: { type: 'string' }, channel: { type: 'string' } },
  async run({ io, container }, args) {
    const audience = stringOption(args, 'audience');
    if (audience !== undefined && !isAudience(audience)) throw new UsageError(`--audience must be one of ${AUDIENCES.join(', ')}`);
    let username: string | undefined;
    const channelRef = stringOption(args, 'channel');
    if (channelRef !== undefined) username = channelArgument(channelRef);
    const path = resolve(io.cwd, args.positionals[0]!);
    const bar = createProgressBar(io.stderr, 'importing');
    const started = Date.now();
    const summary = await importTelegramExport(container.db, path, {
      ...(audience ? { audience } : {}),
      ...(username ? { username } : {}),
      onProgress: (p) => bar.update(p.bytesRead, p.totalBytes, `${formatBytes(p.bytesRead)}/${formatBytes(p.totalBytes)} ${p.messages.toLocaleString('en-US')} messages`),
    }).finally(() => bar.finish());
    const seconds = (Date.now() - started) / 1000;
    const c = summary.channel;
    const name = c.username ? `@${c.username}` : `"${c.title}" (id ${c.telegramId})`;
    io.stdout.write(
      `${name}: ${summary.posts} ${summary.posts === 1 ? 'post' : 'posts'} (${summary.inserted} new, ${summary.edited} edited, ${summary.refreshed + summary.unchanged} unchanged)` +
        `, ${summary.skippedService + summary.skippedUnsupported} service/unsupported messages skipped, ${seconds.toFixed(1)} s\n`,
    );
    if (summary.channelCreated && c.audience === null) {
      io.stderr.write(`note: the channel has no audience yet; set one with --audience when importing, or "channels add @name --audience ..."\n`);
    }
    if (summary.inexactTimes > 0) {
      io.stderr.write(`note: ${summary.inexactTimes} posts had no date_unixtime (an old export); their local "date" was read as UTC\n`);
    }
  },
};
