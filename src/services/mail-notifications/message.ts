import { t } from '../../i18n/index.js';
import { escapeHtml } from '../../lib/linkify.js';
import type { MailKind } from '../../models/mail-preference.js';
import type { MailInput } from '../mail.js';
import { unsubscribeToken, type UnsubscribeScope } from './unsubscribe-token.js';

/** One thing to tell a person about, as it reads in a mail. */
export interface MailItem {
  kind: MailKind;
  /** One sentence: who did what to which item. */
  line: string;
  /** An excerpt of the post or message, if any. */
  excerpt: string;
  /** A path in the app, e.g. /tasks/12. */
  path: string;
}

export interface MailSite {
  publicUrl: string;
  secret: string;
}

/** Subjects are one line; a header must not carry a line break whatever a title held. */
const oneLine = (s: string, max: number) => {
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function envelope(site: MailSite, to: { id: number; email: string }, scope: UnsubscribeScope, subject: string, intro: string, items: MailItem[]): MailInput {
  const unsubscribe = `${site.publicUrl}/mail/unsubscribe/${unsubscribeToken(site.secret, to.id, scope)}`;
  const settings = `${site.publicUrl}/profile#mail-notifications`;
  const why = scope === 'digest' ? t('mail.footer.digest') : t('mail.footer.kind', { kind: t(`mail.kind.${scope}`) });
  const text = [
    ...(intro ? [intro, ''] : []),
    ...items.flatMap((i) => [i.line, ...(i.excerpt ? [`> ${i.excerpt.replace(/\r?\n/g, '\n> ')}`] : []), `${t('mail.open')}: ${site.publicUrl}${i.path}`, '']),
    '-- ',
    why,
    `${t('mail.footer.settings')}: ${settings}`,
    `${t('mail.footer.unsubscribe')}: ${unsubscribe}`,
  ].join('\n');
  const html = [
    '<!doctype html><html><body>',
    ...(intro ? [`<p>${escapeHtml(intro)}</p>`] : []),
    ...items.map(
      (i) =>
        `<p>${escapeHtml(i.line)}</p>${i.excerpt ? `<blockquote>${escapeHtml(i.excerpt)}</blockquote>` : ''}<p><a href="${escapeHtml(site.publicUrl + i.path)}">${escapeHtml(t('mail.open'))}</a></p>`,
    ),
    `<hr><p><small>${escapeHtml(why)} <a href="${escapeHtml(settings)}">${escapeHtml(t('mail.footer.settings'))}</a> · <a href="${escapeHtml(unsubscribe)}">${escapeHtml(t('mail.footer.unsubscribe'))}</a></small></p>`,
    '</body></html>',
  ].join('\n');
  return {
    to: to.email,
    subject: oneLine(subject, 150),
    text,
    html,
    // RFC 2369 and RFC 8058: a mail client may offer "unsubscribe" and POST to the link itself.
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** A mail about one thing, sent at once. */
export function immediateMail(site: MailSite, to: { id: number; email: string }, item: MailItem): MailInput {
  return envelope(site, to, item.kind, item.line, '', [item]);
}

/** The daily digest: everything since the last one, in one mail. */
export function digestMail(site: MailSite, to: { id: number; email: string }, items: MailItem[]): MailInput {
  return envelope(site, to, 'digest', t('mail.digest.subject', { count: items.length }), t('mail.digest.intro', { count: items.length }), items);
}
