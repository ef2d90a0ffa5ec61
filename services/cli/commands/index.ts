// Every command of the CLI, in the order `framewatch help` lists them.
import { planned, type Command } from '../command.ts';
import { apiCommand } from './api.ts';
import { channelsAddCommand, channelsListCommand } from './channels.ts';
import { classifyCommand } from './classify.ts';
import { collectCommand } from './collect.ts';
import { demoCommand } from './demo.ts';
import { importCommand } from './import.ts';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './keys.ts';
import { loginCommand } from './login.ts';
import { migrateCommand } from './migrate.ts';
import { reclassifyCommand } from './reclassify.ts';
import { workerCommand } from './worker.ts';

export const COMMANDS: Command[] = [
  demoCommand,
  migrateCommand,
  channelsAddCommand,
  channelsListCommand,
  importCommand,
  collectCommand,
  loginCommand,
  workerCommand,
  classifyCommand,
  reclassifyCommand,
  apiCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  planned('digest send', 'builds and sends one weekly digest now', 'digest send --email E [--week YYYY-MM-DD]', 'the digest issue'),
];
