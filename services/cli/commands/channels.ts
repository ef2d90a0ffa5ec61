import { listChannels, registerChannel } from '../../channels/store.ts';
import { AUDIENCES, isAudience, type ChannelWithStats } from '../../channels/types.ts';
import { channelArgument, listOption, stringOption, UsageError, type Command } from '../command.ts';

export const channelsAddCommand: Command = {
  name: 'channels add',
  summary: 'registers a public channel for collection (re-running it updates audience and labels)',
  usage: 'channels add <@name | t.me link> --audience ua|ru|west|monitor [--label text]...',
  positionals: 1,
  options: { audience: { type: 'string' }, label: { type: 'string', multiple: true } },
  async run({ io, container }, args) {
    const audience = stringOption(args, 'audience');
    if (!isAudience(audience)) throw new UsageError(`--audience must be one of ${AUDIENCES.join(', ')}`);
    const username = channelArgument(args.positionals[0]!);
    const given = listOption(args, 'label');
    const labels = given.length > 0 ? [...new Set(given.map((l) => l.trim()).filter((l) => l !== ''))] : undefined;
    const { channel, created } = await registerChannel(container.db, { username, audience, ...(labels ? { labels } : {}) });
    const shownLabels = channel.labels.length > 0 ? `, labels ${channel.labels.join(', ')}` : '';
    io.stdout.write(`${created ? 'added' : 'updated'} @${channel.username} (#${channel.id}, audience ${channel.audience}${shownLabels})\n`);
  },
};

function channelName(c: ChannelWithStats): string {
  return c.username ? `@${c.username}` : c.telegramId !== null ? `id:${c.telegramId}` : `#${c.id}`;
}

export const channelsListCommand: Command = {
  name: 'channels list',
  summary: 'lists channels with their latest subscriber count',
  usage: 'channels list [--json]',
  options: { json: { type: 'boolean' } },
  async run({ io, container }, args) {
    const channels = await listChannels(container.db);
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(channels.map((c) => ({
        id: c.id,
        telegramId: c.telegramId,
        username: c.username,
        title: c.title,
        audience: c.audience,
        labels: c.labels,
        status: c.status,
        subscribers: c.subscribers,
        subscribersAt: c.subscribersAt,
        posts: c.posts,
        newestMessageId: c.newestMessageId,
        lastCollectedAt: c.lastCollectedAt,
      })), null, 2)}\n`);
      return;
    }
    if (channels.length === 0) {
      io.stdout.write('no channels yet: add one with "framewatch channels add @name --audience ru"\n');
      return;
    }
    const rows = channels.map((c) => [
      String(c.id),
      channelName(c),
      c.audience ?? '-',
      c.status,
      c.subscribers === null ? '-' : c.subscribers.toLocaleString('en-US'),
      c.posts.toLocaleString('en-US'),
      c.title,
    ]);
    const header = ['id', 'channel', 'audience', 'status', 'subscribers', 'posts', 'title'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
    io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  },
};
