import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const projectRoot = path.resolve(import.meta.dirname, import.meta.dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0', '']).default('false').transform((v) => v === 'true' || v === '1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Atrium <atrium@localhost>'),
  PUBLIC_URL: z.string().url().optional(),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  // Issue 19: the only secrets of company sign-in; never stored, never shown.
  LDAP_BIND_PASSWORD: z.string().optional(),
  LDAP_CA_FILE: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
});

export interface Config {
  databaseUrl: string | undefined;
  host: string;
  port: number;
  dataDir: string;
  sessionSecret: string;
  trustProxy: boolean;
  logLevel: string;
  embeddedPgPort: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  /** HTTP worker processes `npm start` runs (node:cluster). */
  workers: number;
  signIn: SignInSecrets;
}

/** What company sign-in reads from the environment: secrets, and the CA file that LDAPS or StartTLS trusts. */
export interface SignInSecrets {
  ldapBindPassword: string;
  ldapCaFile: string | undefined;
  oidcClientSecret: string;
}

export class ConfigError extends Error {}

/** Reads and checks the environment once; a bad value stops start-up with one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(projectRoot, e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? persistentSecret(dataDir),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    workers: e.WEB_CONCURRENCY ?? availableParallelism(),
    signIn: { ldapBindPassword: e.LDAP_BIND_PASSWORD ?? '', ldapCaFile: e.LDAP_CA_FILE || undefined, oidcClientSecret: e.OIDC_CLIENT_SECRET ?? '' },
  };
}

/** A secret generated on first start and kept in DATA_DIR, so sessions survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
