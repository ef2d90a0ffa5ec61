// Every command of the CLI, in the order `framewatch help` lists them.
import type { Command } from '../command.ts';
import { apiCommand } from './api.ts';
import { channelsAddCommand, channelsListCommand } from './channels.ts';
import { classifyCommand } from './classify.ts';
import { collectCommand } from './collect.ts';
import { demoCommand } from './demo.ts';
import { digestSendCommand } from './digest.ts';
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
  digestSendCommand,
];
