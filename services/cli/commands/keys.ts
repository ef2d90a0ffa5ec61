import { isScope, SCOPES } from '../../keys/keys.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../keys/store.ts';
import { stringOption, UsageError, type Command } from '../command.ts';

export const keysCreateCommand: Command = {
  name: 'keys create',
  summary: 'prints a new API key once (stored hashed); admin keys may also change channels',
  usage: 'keys create --name N --scope read|admin',
  options: { name: { type: 'string' }, scope: { type: 'string' } },
  async run({ io, container }, args) {
    const name = stringOption(args, 'name')?.trim();
    if (!name) throw new UsageError('--name is required (who or what uses the key)');
    const scope = stringOption(args, 'scope');
    if (!isScope(scope)) throw new UsageError(`--scope must be one of ${SCOPES.join(', ')}`);
    const created = await createApiKey(container.db, { name, scope });
    // stdout holds the key alone, so `KEY=$(framewatch keys create ...)` works.
    io.stdout.write(`${created.key}\n`);
    io.stderr.write(`created API key #${created.id} "${created.name}" (${created.scope}); it is shown only now, keep it safe\n`);
  },
};

export const keysListCommand: Command = {
  name: 'keys list',
  summary: 'lists API keys (never the keys themselves)',
  usage: 'keys list [--json]',
  options: { json: { type: 'boolean' } },
  async run({ io, container }, args) {
    const keys = await listApiKeys(container.db);
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      return;
    }
    if (keys.length === 0) {
      io.stdout.write('no API keys yet: create one with "framewatch keys create --name N --scope read"\n');
      return;
    }
    const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
    const rows = keys.map((k) => [String(k.id), k.scope, `${k.keyPrefix}...`, day(k.createdAt), day(k.lastUsedAt), k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'active', k.name]);
    const header = ['id', 'scope', 'key', 'created', 'last used', 'state', 'name'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
    io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  },
};

export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  summary: 'revokes an API key: requests with it get 401 from then on',
  usage: 'keys revoke <id>',
  positionals: 1,
  async run({ io, container }, args) {
    const raw = args.positionals[0]!;
    if (!/^\d+$/.test(raw)) throw new UsageError(`the key id must be a number (see "framewatch keys list"), got "${raw}"`);
    if (!(await revokeApiKey(container.db, Number(raw)))) {
      throw new Error(`there is no active key #${raw}`);
    }
    io.stdout.write(`revoked key #${raw}\n`);
  },
};
