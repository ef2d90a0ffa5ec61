// `framewatch login`: the interactive MTProto login. Prompts go to stderr and
// are read from the terminal; the session string is the only thing on stdout.
import { createInterface } from 'node:readline/promises';
import { loginInteractively } from '../../telegram/client.ts';
import { UsageError, type Command } from '../command.ts';

export const loginCommand: Command = {
  name: 'login',
  summary: 'interactive MTProto login; prints the session string for TG_SESSION',
  usage: 'login',
  async run({ io, container }) {
    const app = container.config.telegramApp;
    if (!app) throw new UsageError('login needs TG_API_ID and TG_API_HASH (from my.telegram.org) in the environment or .env');
    if (!(io.stdin as { isTTY?: boolean }).isTTY) throw new UsageError('login is interactive: run it in a terminal');
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    try {
      const ask = async (question: string) => (await rl.question(question)).trim();
      const { session, user } = await loginInteractively(app.apiId, app.apiHash, {
        phoneNumber: () => ask('phone number (international format, e.g. +380...): '),
        phoneCode: () => ask('login code Telegram sent you: '),
        password: (hint) => ask(`two-step verification password${hint ? ` (hint: ${hint})` : ''}: `),
        onError: (err) => io.stderr.write(`login: ${err.message}\n`),
      });
      io.stderr.write(`logged in as ${user}. Put this in TG_SESSION (comma-separate several accounts); keep it secret, it is the account:\n`);
      io.stdout.write(`${session}\n`);
    } finally {
      rl.close();
    }
  },
};
