// The mail adapter: the only module that imports nodemailer. The rest of the
// code sees MailTransport and plain messages.
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /** Sends one message; resolves with the server's message id, rejects when the server refuses it. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export class MailNotConfiguredError extends Error {
  override name = 'MailNotConfiguredError';
  constructor() {
    super('mail is not configured: set SMTP_URL and MAIL_FROM (e.g. SMTP_URL=smtp://127.0.0.1:1025)');
  }
}

export function createSmtpTransport(smtp: { url: string; from: string }): MailTransport {
  const transporter = nodemailer.createTransport(smtp.url);
  return {
    async send(message) {
      const info = await transporter.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      return { messageId: String(info.messageId) };
    },
    close() {
      transporter.close();
    },
  };
}
