// Every command of the CLI, in the order `framewatch help` lists them.
import { planned, type Command } from '../command.ts';
import { apiCommand } from './api.ts';
import { channelsAddCommand, channelsListCommand } from './channels.ts';
import { demoCommand } from './demo.ts';
import { importCommand } from './import.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts';
import { migrateCommand } from './migrate.ts';

export const COMMANDS: Command[] = [
  demoCommand,
  migrateCommand,
  channelsAddCommand,
  channelsListCommand,
  importCommand,
  planned('collect', 'one collection pass for one channel (posts and subscriber count)', 'collect <@name> --once [--source web|mtproto]', 'issue 3, channel collection'),
  planned('login', 'interactive MTProto login; prints the session string for TG_SESSION', 'login', 'issue 3, channel collection'),
  planned('worker', 'runs the collection and classification workers and their schedules', 'worker', 'issue 3, channel collection'),
  planned('classify', 'tags JSON lines {"id","text"} from stdin with frames, to stdout', 'classify', 'issue 4, classifier'),
  planned('reclassify', 're-tags stored posts tagged by an older classifier version', 'reclassify', 'issue 4, classifier'),
  apiCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  planned('digest send', 'builds and sends one weekly digest now', 'digest send --email E [--week YYYY-MM-DD]', 'the digest issue'),
];
