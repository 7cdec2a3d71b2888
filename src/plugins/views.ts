import { linkify } from '../lib/linkify.js';
import { memoizeTemplatePaths } from '../lib/eta-paths.js';
import { ComponentEta } from '../lib/eta-components.js';
import path from 'node:path';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can } from '../policy/abilities.js';
import { projectRoot } from '../config.js';
import { translator } from '../i18n/index.js';
import type { FieldError } from '../lib/forms.js';
import { formatDate, formatDateTime, formatNumber } from '../lib/format.js';
import { countUnreadNotifications, UNREAD_CAP } from '../finders/notifications.js';
import { newSubmissionToken } from '../services/submissions.js';
import { loadedSession, type Flash } from './session.js';

export interface PageData {
  title: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a full page (layout included) with the common data every page needs. */
    page(template: string, data: PageData, status?: number): Promise<FastifyReply>;
    /** Renders the partial alone for htmx requests, the full page otherwise (one template, two uses). */
    pageOrPartial(template: string, partial: string, data: PageData, status?: number): Promise<FastifyReply>;
    /**
     * After a POST, on to `target` (Post/Redirect/Get): a 303, or for htmx, which would follow a 303 and
     * swap the page in, `HX-Redirect`, so the browser loads it (and shows the flash waiting there).
     */
    seeOther(target: string): FastifyReply;
    /** A success message for the next page, then seeOther(target). */
    done(message: string, target: string): FastifyReply;
  }
}

/** htmx fragment only on a narrow, explicit test; history restores and boosts get full pages. */
export function wantsFragment(request: FastifyRequest): boolean {
  const h = request.headers;
  return h['hx-request'] === 'true' && h['hx-boosted'] !== 'true' && h['hx-history-restore-request'] !== 'true';
}

/** Whether going to `target` from the page at `current` (HX-Current-URL) would only move to an anchor. */
export function onlyAnchorDiffers(target: string, current: unknown): boolean {
  if (!target.includes('#') || typeof current !== 'string') return false;
  try {
    const from = new URL(current);
    const to = new URL(target, from);
    return to.origin === from.origin && to.pathname === from.pathname && to.search === from.search;
  } catch {
    return false;
  }
}

export default fp(
  async function viewsPlugin(app: FastifyInstance, opts: { production: boolean }) {
    const eta = new ComponentEta({ views: path.join(projectRoot, 'views'), cache: opts.production, autoTrim: false });
    if (opts.production) memoizeTemplatePaths(eta);
    await app.register(fastifyView, { engine: { eta }, root: path.join(projectRoot, 'views'), production: opts.production });

    /**
     * R-F5: the unread count in the header of every full page (one capped, indexed query); not for
     * fragments, and not when the page is the database-down error (it would fail the same way).
     */
    async function unreadCount(request: FastifyRequest, template: string, status: number): Promise<number> {
      if (!template.startsWith('pages/') || !request.viewer?.signedIn || status >= 500) return 0;
      // A GET changes no notification and no access, so the count read with the session still holds.
      if (request.method === 'GET' && request.unreadAtStart !== null) return request.unreadAtStart;
      try {
        return await countUnreadNotifications(request.viewer);
      } catch (err) {
        request.log.warn({ err }, 'unread count failed');
        return 0;
      }
    }

    function commonData(request: FastifyRequest, reply: FastifyReply, data: PageData, unread = 0) {
      const viewer = request.viewer;
      let flash: Flash | undefined;
      const session = loadedSession(request);
      if (session?.get('flash')) {
        flash = session.get('flash');
        session.set('flash', undefined);
      }
      const timeZone = viewer?.signedIn ? viewer.timeZone : 'UTC';
      const locale = request.locale;
      const t = translator(locale);
      const errors = data.errors ?? [];
      let csrfToken: string | undefined;
      return {
        errors,
        values: {},
        ...data,
        pageTitle: errors.length > 0 ? t('title.error', { title: data.title }) : data.title,
        viewer,
        layoutMay: { admin: viewer !== undefined && can(viewer, 'admin:access', null) },
        unreadNotifications: unread,
        unreadNotificationsCap: UNREAD_CAP,
        flash,
        path: request.url,
        // A single sign-on session signs out through the provider's sign-out (routes/sign-in/oidc.ts).
        signOutAction: request.session?.get('signInMethod') === 'oidc' ? '/logout/oidc' : '/logout',
        t,
        lang: locale,
        // One token serves every form of the page (each is a salted hash of the session's secret: a board made 80).
        csrf: () => (csrfToken ??= reply.generateCsrf()),
        /** Issue 15 item 7: a fresh one-time token for each create form rendered (components/submission). */
        submissionToken: newSubmissionToken,
        fmt: {
          dateTime: (d: Date | string | null) => formatDateTime(d, timeZone, locale),
          date: (d: Date | string | null) => formatDate(d, timeZone, locale),
          number: (n: number) => formatNumber(n, locale),
        },
        errorFor: (field: string) => errors.find((e) => e.field === field)?.message,
        /** Issue 18 item 6: a description as HTML, escaped, with clickable links (lib/linkify.ts). */
        linkify: (text: string) => linkify(text),
      };
    }

    app.decorateReply('page', async function page(this: FastifyReply, template: string, data: PageData, status = 200) {
      const unread = await unreadCount(this.request, template, status);
      this.code(status).type('text/html; charset=utf-8');
      return this.view(template, commonData(this.request, this, data, unread));
    });

    app.decorateReply('seeOther', function seeOther(this: FastifyReply, target: string) {
      this.header('Vary', 'HX-Request');
      if (!wantsFragment(this.request)) return this.redirect(target, 303);
      // htmx sets location.href: to the page it is on plus an anchor, that would only scroll; a reload then loads it.
      if (onlyAnchorDiffers(target, this.request.headers['hx-current-url'])) this.header('HX-Refresh', 'true');
      return this.header('HX-Redirect', target).code(200).type('text/html; charset=utf-8').send('');
    });

    app.decorateReply('done', function done(this: FastifyReply, message: string, target: string) {
      this.request.session.set('flash', { kind: 'success', message });
      return this.seeOther(target);
    });

    app.decorateReply('pageOrPartial', async function pageOrPartial(this: FastifyReply, template: string, partial: string, data: PageData, status = 200) {
      this.header('Vary', 'HX-Request');
      if (!wantsFragment(this.request)) return this.page(template, data, status);
      this.code(status).type('text/html; charset=utf-8');
      return this.view(partial, commonData(this.request, this, data));
    });
  },
  { name: 'views', dependencies: ['session', 'viewer', 'locale'] },
);
