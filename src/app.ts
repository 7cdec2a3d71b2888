import { randomUUID } from 'node:crypto';
import path from 'node:path';
import fastifyFormbody from '@fastify/formbody';
import { OneLinePerRequest } from './plugins/request-log.js';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { HelmetOptions } from 'helmet';
import type { Knex } from 'knex';
import { projectRoot, type Config } from './config.js';
import bodyRatePlugin, { DEFAULT_BODY_RATE, type BodyRate } from './plugins/body-rate.js';
import localePlugin from './plugins/locale.js';
import headerGuardPlugin from './plugins/header-guard.js';
import securityHeadersPlugin from './plugins/security-headers.js';
import livePlugin from './plugins/live.js';
import errorsPlugin from './plugins/errors.js';
import sessionPlugin from './plugins/session.js';
import csrfPlugin from './plugins/csrf.js';
import uploadsPlugin from './plugins/uploads.js';
import viewerPlugin from './plugins/viewer.js';
import viewsPlugin from './plugins/views.js';
import { requireAccessDeclarations } from './policy/access.js';
import { MailDispatcher } from './services/mail.js';
import { composeDueMail } from './services/mail-notifications/compose.js';
import mailPreferenceRoutes from './routes/mail-preferences.js';
import passwordResetRoutes from './routes/password-reset.js';
import adminRoutes from './routes/admin/index.js';
import authRoutes from './routes/auth.js';
import calendarRoutes from './routes/calendar/index.js';
import chatRoutes from './routes/chat/index.js';
import extranetRoutes from './routes/extranet.js';
import feedRoutes from './routes/feed/index.js';
import fileRoutes from './routes/files/index.js';
import groupRoutes from './routes/groups/index.js';
import healthRoutes from './routes/health.js';
import homeRoutes from './routes/home.js';
import invitationRoutes from './routes/invitations.js';
import liveRoutes from './routes/live.js';
import profileRoutes from './routes/profile.js';
import signInRoutes from './routes/sign-in/index.js';
import taskRoutes from './routes/tasks.js';
import taskBoardRoutes from './routes/task-board.js';
import taskChecklistRoutes from './routes/task-checklist.js';
import taskTimelineRoutes from './routes/task-timeline.js';
import usersRoutes from './routes/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex;
    config: Config;
    mail: MailDispatcher;
  }
}

export interface AppOptions {
  config: Config;
  db: Knex;
  production?: boolean;
  logger?: boolean;
  /** Where log lines go when `logger` is on (tests read them); standard output otherwise. */
  logStream?: { write(line: string): void };
  /** The slowest a request body may arrive (tests shorten the window). */
  bodyRate?: BodyRate;
}

/** helmet's headers with a CSP that allows no inline script; upgrade-insecure-requests would break plain-HTTP installs (TLS is the proxy's job). */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'connect-src': ["'self'"], 'form-action': ["'self'"], 'style-src': ["'self'"], 'upgrade-insecure-requests': null } },
};

/** The app: third-party plugins, then ours, then routes. Starting the process is server.ts's job. */
export async function buildApp({ config, db, production = false, logger = false, logStream, bodyRate = DEFAULT_BODY_RATE }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ? { level: config.logLevel, ...(logStream ? { stream: logStream } : {}) } : false,
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    genReqId: () => randomUUID(),
    logController: new OneLinePerRequest(),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('db', db);
  app.decorate('config', config);
  const site = { publicUrl: config.publicUrl, secret: config.sessionSecret };
  // Queued notification mail is built (through the recipient's scopes, at that moment) before each send run.
  const composeMail = () => composeDueMail(db, site).catch((err: unknown) => app.log.error({ err }, 'composing notification mail failed'));
  const mail = new MailDispatcher(db, config.smtpUrl, config.mailFrom, (msg) => app.log.info(msg), composeMail);
  app.decorate('mail', mail);
  app.addHook('onClose', async () => mail.stop());

  await app.register(securityHeadersPlugin, SECURITY_HEADER_OPTIONS);
  await app.register(fastifyStatic, {
    root: path.join(projectRoot, 'public'),
    prefix: '/public/',
    maxAge: production ? '7d' : 0,
    immutable: production,
    // The build writes .br and .gz beside each script and style (scripts/assets.mjs).
    preCompressed: production,
  });
  // Routes registered from here on must declare their access rule (policy/access.ts).
  requireAccessDeclarations(app);

  // Only HTML form bodies (urlencoded, multipart): a field is a string or a list of strings, never
  // a JSON object a handler did not expect. A JSON body is answered 415.
  app.removeContentTypeParser('application/json');
  await app.register(localePlugin);
  await app.register(bodyRatePlugin, bodyRate);
  await app.register(fastifyFormbody);
  await app.register(uploadsPlugin, { tmpDir: path.join(config.dataDir, 'tmp'), defaultFileSize: 100 * 1024 * 1024 });
  await app.register(sessionPlugin, { db, secret: config.sessionSecret });
  await app.register(csrfPlugin, { secret: config.sessionSecret });
  await app.register(headerGuardPlugin);
  await app.register(viewerPlugin);
  await app.register(viewsPlugin, { production });
  await app.register(errorsPlugin);
  await app.register(livePlugin, { db });

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(signInRoutes);
  await app.register(homeRoutes);
  await app.register(profileRoutes);
  await app.register(mailPreferenceRoutes);
  await app.register(passwordResetRoutes);
  await app.register(usersRoutes);
  await app.register(groupRoutes);
  await app.register(invitationRoutes);
  await app.register(extranetRoutes);
  await app.register(taskRoutes);
  await app.register(taskBoardRoutes);
  await app.register(taskChecklistRoutes);
  await app.register(taskTimelineRoutes);
  await app.register(feedRoutes);
  await app.register(fileRoutes);
  await app.register(calendarRoutes);
  await app.register(chatRoutes);
  await app.register(liveRoutes);
  await app.register(adminRoutes, { prefix: '/admin' });
  return app;
}
