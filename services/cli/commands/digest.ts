import { lastCompleteWeek, isoWeekStart } from '../../digest/service.ts';
import { subscriptionByEmail } from '../../digest/store.ts';
import { stringOption, UsageError, type Command } from '../command.ts';

export const digestSendCommand: Command = {
  name: 'digest send',
  summary: 'builds and sends one weekly digest now (filters of the address\'s subscription, if it has one)',
  usage: 'digest send --email E [--week YYYY-MM-DD]',
  options: { email: { type: 'string' }, week: { type: 'string' } },
  positionals: 0,
  async run({ io, container }, args) {
    const email = stringOption(args, 'email')?.trim();
    if (!email) throw new UsageError('--email is required');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError(`--email must be an email address (got "${email}")`);
    const weekArg = stringOption(args, 'week');
    let week: string;
    if (weekArg === undefined) {
      week = lastCompleteWeek(new Date());
    } else {
      const day = /^\d{4}-\d{2}-\d{2}$/.test(weekArg) ? new Date(`${weekArg}T00:00:00Z`) : null;
      if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== weekArg) throw new UsageError(`--week must be a date YYYY-MM-DD (got "${weekArg}")`);
      week = isoWeekStart(weekArg);
    }
    // Checked before touching the database: the one-line reason is the missing configuration.
    if (!container.config.smtp) throw new Error('mail is not configured: set SMTP_URL and MAIL_FROM (e.g. SMTP_URL=smtp://127.0.0.1:1025)');
    const subscription = await subscriptionByEmail(container.db, email);
    const filter = subscription ?? { audiences: null, frames: null };
    let sent;
    try {
      sent = await container.digests.sendNow(email, week, filter);
    } catch (err) {
      const e = err as Error & { code?: string; response?: string };
      throw new Error(`sending the digest failed: ${e.code ? `${e.code}: ` : ''}${(e.response ?? e.message).split('\n')[0]}`);
    }
    io.stdout.write(`sent "${sent.digest.subject}" to ${email} (week of ${week}, message ${sent.messageId})\n`);
  },
};
