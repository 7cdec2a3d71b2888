// A real OpenLDAP server (Debian's slapd) for one test file: a temp folder, free ports for
// ldap:// (with StartTLS) and ldaps://, a self-signed certificate, and the directory from an LDIF.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export const SLAPD = '/usr/sbin/slapd';
export const BASE_DN = 'dc=example,dc=com';
export const SERVICE_DN = 'cn=atrium,ou=services,dc=example,dc=com';
export const SERVICE_PASSWORD = 'service-secret-1';

export interface LdapServer {
  url: string;
  ldapsUrl: string;
  caFile: string;
  version: string;
  /** Adds or replaces entries while the server runs (ldapmodify as the directory's manager). */
  modify(ldif: string): void;
  stop(): Promise<void>;
}

/**
 * Whether this machine can run the LDAP tests. Without slapd a local run skips them with a
 * clear message; in CI (CI=true) a missing slapd is a failure, never a silent skip.
 */
export function slapdMissing(): string | false {
  if (existsSync(SLAPD)) return false;
  if (process.env.CI) throw new Error(`${SLAPD} is missing: CI must install Debian's slapd (see .ci/run)`);
  return `skipped: ${SLAPD} is not installed (apt-get install slapd ldap-utils)`;
}

const MANAGER_DN = `cn=manager,${BASE_DN}`;
const MANAGER_PASSWORD = 'manager-secret';

function person(uid: string, name: string, extra: string[] = []): string {
  return [`dn: uid=${uid},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${name}`, `sn: ${name.split(' ').pop()}`, ...extra, ''].join('\n');
}

/** The company in the test directory: people, a service account and an administrators' group. */
export function companyLdif(): string {
  return [
    [`dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: example', 'o: Example', ''].join('\n'),
    [`dn: ou=people,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: people', ''].join('\n'),
    [`dn: ou=services,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: services', ''].join('\n'),
    [`dn: ou=groups,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: groups', ''].join('\n'),
    [`dn: ${SERVICE_DN}`, 'objectClass: person', 'objectClass: simpleSecurityObject', 'cn: atrium', 'sn: atrium', `userPassword: ${SERVICE_PASSWORD}`, ''].join('\n'),
    person('alice', 'Alice Archer', ['mail: alice@example.com', 'title: Engineer', 'telephoneNumber: +49 30 1234', 'userPassword: alice-password']),
    person('bob', 'Bob Baker', ['mail: Bob@Example.com', 'title: Accountant', 'userPassword: bob-password']),
    person('carol', 'Carol Cook', ['mail: carol@example.com', 'userPassword: carol-password']),
    person('nomail', 'No Mail', ['userPassword: nomail-password']),
    [`dn: cn=atrium-admins,ou=groups,${BASE_DN}`, 'objectClass: groupOfNames', 'cn: atrium-admins', `member: uid=carol,ou=people,${BASE_DN}`, ''].join('\n'),
  ].join('\n');
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`slapd did not listen on ${port}`);
}

export async function startLdapServer(ldif = companyLdif()): Promise<LdapServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${dir}/slapd.pid`,
      `TLSCertificateFile ${cert}`,
      `TLSCertificateKeyFile ${key}`,
      'database mdb',
      `suffix "${BASE_DN}"`,
      `rootdn "${MANAGER_DN}"`,
      `rootpw ${MANAGER_PASSWORD}`,
      `directory ${dir}/db`,
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const ldifFile = path.join(dir, 'company.ldif');
  writeFileSync(ldifFile, ldif);
  run('/usr/sbin/slapadd', ['-f', conf, '-l', ldifFile]);
  const [port, tlsPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.all([waitForPort(port, Date.now() + 10_000), waitForPort(tlsPort, Date.now() + 10_000)]);
  const version = /slapd ([\w.+~-]+)/.exec(spawnSync(SLAPD, ['-VV'], { encoding: 'utf8' }).stderr)?.[1] ?? 'unknown';
  return {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    caFile: cert,
    version,
    modify: (changes) => run('ldapmodify', ['-x', '-c', '-H', `ldap://127.0.0.1:${port}`, '-D', MANAGER_DN, '-w', MANAGER_PASSWORD], changes),
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
