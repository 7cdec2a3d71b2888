import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, Filter, InvalidCredentialsError, type Entry } from 'ldapts';
import type { SignInSecrets } from '../../config.js';
import type { SignInSettings } from '../../models/sign-in-settings.js';

/** A person as the directory describes them, mapped through the settings' attribute names. */
export interface DirectoryPerson {
  dn: string;
  email: string;
  name: string;
  jobTitle: string;
  phone: string;
  isAdmin: boolean;
}

/** Why talking to the directory failed, in words an administrator can act on; never a secret. */
export type DirectoryFailure = 'not-configured' | 'unreachable' | 'tls' | 'wrong-bind' | 'base-dn' | 'error';

export class DirectoryError extends Error {
  constructor(
    readonly reason: DirectoryFailure,
    readonly detail = '',
  ) {
    super(`directory: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

type Settings = Pick<
  SignInSettings,
  'ldapUrl' | 'ldapStartTls' | 'ldapBindDn' | 'ldapBaseDn' | 'ldapUserFilter' | 'ldapAttrEmail' | 'ldapAttrName' | 'ldapAttrJobTitle' | 'ldapAttrPhone' | 'ldapAdminGroupDn'
>;

const TIMEOUT_MS = 5000;
const tlsCodes = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ALTNAME|EPROTO/i;

/** Sorts a thrown error into a reason; the detail is the error's code, which holds no secret. */
export function classifyDirectoryError(err: unknown): DirectoryError {
  if (err instanceof DirectoryError) return err;
  if (err instanceof InvalidCredentialsError) return new DirectoryError('wrong-bind');
  const code = typeof err === 'object' && err && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (tlsCodes.test(code)) return new DirectoryError('tls', code);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN/.test(code)) return new DirectoryError('unreachable', code);
  if (/certificate|tls|ssl/i.test(message)) return new DirectoryError('tls', message.slice(0, 120));
  if (/timeout|closed|connect/i.test(message)) return new DirectoryError('unreachable', message.slice(0, 120));
  if (/NoSuchObject/.test(err instanceof Error ? err.constructor.name : '')) return new DirectoryError('base-dn');
  return new DirectoryError('error', err instanceof Error ? err.constructor.name : 'unknown');
}

function tlsOptions(secrets: SignInSecrets): ConnectionOptions {
  return { minVersion: 'TLSv1.2', ...(secrets.ldapCaFile ? { ca: [readFileSync(secrets.ldapCaFile)] } : {}) };
}

/** Opens a connection (upgraded by StartTLS when set) and binds as the service account. */
async function openServiceConnection(settings: Settings, secrets: SignInSecrets): Promise<Client> {
  if (!settings.ldapUrl || !settings.ldapBaseDn) throw new DirectoryError('not-configured');
  const tls = tlsOptions(secrets);
  // ldapts speaks TLS from the first byte whenever tlsOptions are given, so only ldaps:// gets them.
  const ldaps = settings.ldapUrl.toLowerCase().startsWith('ldaps:');
  const client = new Client({ url: settings.ldapUrl, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, ...(ldaps ? { tlsOptions: tls } : {}), strictDN: false });
  try {
    // The upgraded socket checks the certificate against the URL's host, as ldaps:// does.
    if (settings.ldapStartTls) await client.startTLS({ ...tls, host: new URL(settings.ldapUrl).hostname });
    if (settings.ldapBindDn) await client.bind(settings.ldapBindDn, secrets.ldapBindPassword);
    return client;
  } catch (err) {
    await client.unbind().catch(() => undefined);
    throw classifyDirectoryError(err);
  }
}

async function withService<T>(settings: Settings, secrets: SignInSecrets, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await openServiceConnection(settings, secrets);
  try {
    return await fn(client);
  } catch (err) {
    throw classifyDirectoryError(err);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function firstValue(entry: Entry, attribute: string): string {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : Buffer.isBuffer(first) ? first.toString('utf8').trim() : '';
}

function attributes(settings: Settings): string[] {
  return [settings.ldapAttrEmail, settings.ldapAttrName, settings.ldapAttrJobTitle, settings.ldapAttrPhone].filter(Boolean);
}

function toPerson(entry: Entry, settings: Settings, isAdmin: boolean): DirectoryPerson {
  return {
    dn: entry.dn,
    email: firstValue(entry, settings.ldapAttrEmail).toLowerCase().slice(0, 254),
    name: firstValue(entry, settings.ldapAttrName).slice(0, 120),
    jobTitle: firstValue(entry, settings.ldapAttrJobTitle).slice(0, 120),
    phone: firstValue(entry, settings.ldapAttrPhone).slice(0, 40),
    isAdmin,
  };
}

async function adminDns(client: Client, settings: Settings): Promise<Set<string>> {
  if (!settings.ldapAdminGroupDn) return new Set();
  const { searchEntries } = await client.search(settings.ldapAdminGroupDn, { scope: 'base', attributes: ['member', 'uniqueMember'] });
  const dns = new Set<string>();
  for (const entry of searchEntries) {
    for (const attr of ['member', 'uniqueMember']) {
      const v = entry[attr];
      for (const dn of Array.isArray(v) ? v : v === undefined ? [] : [v]) dns.add(normaliseDn(String(dn)));
    }
  }
  return dns;
}

/** DNs compared case- and space-insensitively around separators, as directories treat them. */
export function normaliseDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

function userFilter(settings: Settings, username: string): string {
  return settings.ldapUserFilter.replaceAll('{{username}}', username);
}

/**
 * Signs a person in by binding as them (R-A1): the service account finds their entry, then the
 * typed password is tried against that entry's DN. No directory password is stored.
 * Returns null when the person or the password is unknown to the directory.
 */
export async function verifyDirectoryPassword(settings: Settings, secrets: SignInSecrets, username: string, password: string): Promise<DirectoryPerson | null> {
  // An empty password would be an unauthenticated bind, which directories accept (RFC 4513 §5.1.2).
  if (!username || !password) return null;
  return withService(settings, secrets, async (client) => {
    const { searchEntries } = await client.search(settings.ldapBaseDn, { scope: 'sub', filter: userFilter(settings, Filter.escape(username)), attributes: attributes(settings), sizeLimit: 2 });
    if (searchEntries.length !== 1 || !searchEntries[0]) return null;
    const entry = searchEntries[0];
    const admins = await adminDns(client, settings);
    try {
      await client.bind(entry.dn, password);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return null;
      throw err;
    }
    return toPerson(entry, settings, admins.has(normaliseDn(entry.dn)));
  });
}

/** Everyone the user filter matches (with `{{username}}` as a wildcard), for the sync job. */
export async function listDirectoryPeople(settings: Settings, secrets: SignInSecrets): Promise<DirectoryPerson[]> {
  return withService(settings, secrets, async (client) => {
    const { searchEntries } = await client.search(settings.ldapBaseDn, { scope: 'sub', filter: userFilter(settings, '*'), attributes: attributes(settings), paged: { pageSize: 500 } });
    const admins = await adminDns(client, settings);
    return searchEntries.map((entry) => toPerson(entry, settings, admins.has(normaliseDn(entry.dn))));
  });
}

/** The admin page's "test connection": bind as the service account and read the base entry. */
export async function testDirectoryConnection(settings: Settings, secrets: SignInSecrets): Promise<{ ok: true; people: number } | { ok: false; error: DirectoryError }> {
  try {
    const people = await withService(settings, secrets, async (client) => {
      await client.search(settings.ldapBaseDn, { scope: 'base', attributes: ['dn'] });
      const { searchEntries } = await client.search(settings.ldapBaseDn, { scope: 'sub', filter: userFilter(settings, '*'), attributes: ['dn'], sizeLimit: 1000 }).catch(() => ({ searchEntries: [] }));
      return searchEntries.length;
    });
    return { ok: true, people };
  } catch (err) {
    return { ok: false, error: classifyDirectoryError(err) };
  }
}
