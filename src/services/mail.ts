import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
import { currentLocale, translator, type Locale, type Translate } from '../i18n/index.js';
import { OutboxMessage } from '../models/outbox-message.js';

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative of `text`, built by the app with every value escaped. */
  html?: string;
  /** Extra headers the app sets (List-Unsubscribe …); values never come from a form. */
  headers?: Record<string, string>;
}

/**
 * The language of a message to someone: the language they picked in their profile; for someone
 * without one (or without an account yet), the language of the request that writes it (a job's is
 * the default). Build subject and body with the returned translator, never with the request's `t`.
 */
export function mailLanguage(recipientLocale: Locale | null | undefined): { locale: Locale; t: Translate } {
  const locale = recipientLocale ?? currentLocale();
  return { locale, t: translator(locale) };
}

/** Queues a message inside the caller's transaction; it leaves only if that transaction commits. */
export async function enqueueMail(trx: Knex.Transaction | Knex, mail: MailInput): Promise<void> {
  await OutboxMessage.query(trx).insert({ toAddress: mail.to, subject: mail.subject.slice(0, 300), bodyText: mail.text, bodyHtml: mail.html ?? null, headers: mail.headers ?? {} });
}

const MAX_ATTEMPTS = 8;
const BATCH = 20;

/**
 * Sends queued mail after commit. With SMTP_URL, through nodemailer; without it, messages are
 * kept in the outbox (shown on the admin Outbox page) so a demo works offline. Failed sends are
 * retried with growing delays. Rows are claimed with SKIP LOCKED, so several app processes can run it.
 */
export class MailDispatcher {
  private readonly transport: Transporter | null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** A run asked for while one was going: it may not have seen rows committed after it started. */
  private followUp: Promise<number> | null = null;

  constructor(
    private readonly db: Knex,
    smtpUrl: string | undefined,
    private readonly from: string,
    private readonly log: (msg: string) => void = () => {},
    /** Run before each batch: turns what is due in the mail queue into outbox rows (mail-notifications). */
    private readonly prepare: () => Promise<unknown> = async () => {},
  ) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  start(intervalMs = 2000): void {
    this.timer = setInterval(() => void this.dispatch().catch((err: unknown) => this.log(`mail dispatch failed: ${String(err)}`)), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress; a run that fails now (the pool closing) ends the wait too. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => {});
    await this.followUp?.catch(() => {});
    this.transport?.close();
  }

  /**
   * Sends what is due; returns how many messages were handled. One run at a time per process; a
   * call during a run gets one more run after it, so a message committed meanwhile is not left waiting.
   */
  dispatch(): Promise<number> {
    if (this.running) {
      this.followUp ??= this.running.then(() => {
        this.followUp = null;
        return this.dispatch();
      });
      return this.followUp;
    }
    this.running = this.dispatchBatch().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async dispatchBatch(): Promise<number> {
    await this.prepare();
    return this.db.transaction(async (trx) => {
      const due = await OutboxMessage.query(trx).where('status', 'pending').where('nextAttemptAt', '<=', new Date()).orderBy('id').limit(BATCH).forUpdate().skipLocked();
      for (const message of due) {
        if (!this.transport) {
          await OutboxMessage.query(trx).findById(message.id).patch({ status: 'kept', attempts: message.attempts + 1 });
          this.log(`mail kept in outbox for ${message.toAddress}: ${message.subject}`);
          continue;
        }
        try {
          await this.transport.sendMail({ from: this.from, to: message.toAddress, subject: message.subject, text: message.bodyText, ...(message.bodyHtml ? { html: message.bodyHtml } : {}), headers: message.headers });
          await OutboxMessage.query(trx).findById(message.id).patch({ status: 'sent', sentAt: new Date(), attempts: message.attempts + 1, lastError: null });
        } catch (err) {
          const attempts = message.attempts + 1;
          const delayMs = Math.min(2 ** attempts * 1000, 60 * 60 * 1000);
          await OutboxMessage.query(trx)
            .findById(message.id)
            .patch({ attempts, lastError: String(err).slice(0, 1000), status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending', nextAttemptAt: new Date(Date.now() + delayMs) });
        }
      }
      return due.length;
    });
  }
}
