// `backup FILE` / `restore FILE`: one .tar.gz holding the database and the uploaded files.
//
// - DATABASE_URL set: a logical dump (pg_dump -Fc) restored with pg_restore, plus DATA_DIR/files
//   and DATA_DIR/group-images. pg_dump must be at least the server's major version (PG_BIN names
//   the folder of another client, e.g. /usr/lib/postgresql/17/bin).
// - embedded PostgreSQL (no DATABASE_URL): the embedded package ships no pg_dump, and Debian's
//   older one refuses a newer server, so the backup is a cold copy of DATA_DIR (database files,
//   its password, the session secret, uploads) taken while Atrium is stopped.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runningServer } from '../db/embedded.js';

export type BackupKind = 'logical' | 'embedded-cold';

interface Manifest {
  format: 'atrium-backup';
  version: 1;
  kind: BackupKind;
  createdAt: string;
  serverVersion?: string;
}

export interface BackupTarget {
  dataDir: string;
  /** Unset: the embedded server under dataDir/pg. */
  databaseUrl: string | undefined;
}

const UPLOAD_DIRS = ['files', 'group-images'];
const COLD_ENTRIES = ['pg', 'pg.password', 'session-secret', ...UPLOAD_DIRS];

export class BackupError extends Error {}

export async function backup(target: BackupTarget, file: string): Promise<Manifest> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'atrium-backup-'));
  try {
    const manifest: Manifest = { format: 'atrium-backup', version: 1, kind: target.databaseUrl ? 'logical' : 'embedded-cold', createdAt: new Date().toISOString() };
    const entries: [string, string][] = [];
    if (target.databaseUrl) {
      const server = await serverVersion(target.databaseUrl);
      manifest.serverVersion = server.text;
      await checkClient('pg_dump', server.major);
      await run(binary('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(work, 'database.dump')}`, target.databaseUrl]);
      entries.push([work, 'database.dump']);
      for (const dir of UPLOAD_DIRS) if (existsSync(path.join(target.dataDir, dir))) entries.push([target.dataDir, dir]);
    } else {
      refuseWhileRunning(target.dataDir);
      for (const entry of COLD_ENTRIES) if (existsSync(path.join(target.dataDir, entry))) entries.push([target.dataDir, entry]);
    }
    writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const args = ['-czf', path.resolve(file), '-C', work, 'manifest.json'];
    for (const [dir, entry] of entries) args.push('-C', dir, entry);
    await run('tar', args);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function restore(target: BackupTarget, file: string): Promise<Manifest> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'atrium-restore-'));
  try {
    await run('tar', ['-xzf', path.resolve(file), '-C', work]);
    const manifest = JSON.parse(readFileSync(path.join(work, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.format !== 'atrium-backup' || manifest.version !== 1) throw new BackupError(`${file} is not an Atrium backup`);
    if (manifest.kind === 'logical') {
      if (!target.databaseUrl) throw new BackupError('This is a pg_dump backup: restore it with DATABASE_URL set to the server to restore into.');
      await checkClient('pg_restore', (await serverVersion(target.databaseUrl)).major);
      await run(binary('pg_restore'), ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${target.databaseUrl}`, path.join(work, 'database.dump')]);
      replaceEntries(work, target.dataDir, UPLOAD_DIRS);
    } else {
      if (target.databaseUrl) throw new BackupError('This is a copy of an embedded database: restore it with DATABASE_URL unset.');
      refuseWhileRunning(target.dataDir);
      replaceEntries(work, target.dataDir, COLD_ENTRIES);
    }
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Moves each entry into dataDir; what was there is removed only after the new one is in place. */
function replaceEntries(from: string, dataDir: string, entries: string[]): void {
  mkdirSync(dataDir, { recursive: true });
  for (const entry of entries) {
    const source = path.join(from, entry);
    const dest = path.join(dataDir, entry);
    const old = `${dest}.before-restore`;
    rmSync(old, { recursive: true, force: true });
    if (existsSync(dest)) renameSync(dest, old);
    if (existsSync(source)) renameSync(source, dest);
    rmSync(old, { recursive: true, force: true });
  }
}

function refuseWhileRunning(dataDir: string): void {
  const running = runningServer(path.join(dataDir, 'pg'));
  if (running) throw new BackupError(`The embedded PostgreSQL is running (pid ${running.pid}): stop Atrium first, then back up or restore.`);
}

function binary(name: 'pg_dump' | 'pg_restore'): string {
  return process.env.PG_BIN ? path.join(process.env.PG_BIN, name) : name;
}

async function serverVersion(url: string): Promise<{ major: number; text: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ num: string; text: string }>("select current_setting('server_version_num') as num, current_setting('server_version') as text");
    const row = res.rows[0];
    return { major: Math.floor(Number(row?.num) / 10000), text: row?.text ?? '' };
  } finally {
    await client.end();
  }
}

/** pg_dump refuses a server of a newer major version; say so before it starts, with the way out. */
async function checkClient(name: 'pg_dump' | 'pg_restore', serverMajor: number): Promise<void> {
  const out = await run(binary(name), ['--version']).catch(() => {
    throw new BackupError(`${name} was not found: install the PostgreSQL client (Debian: apt-get install postgresql-client) or set PG_BIN.`);
  });
  const major = Number(/(\d+)(?:\.\d+)?/.exec(out)?.[1]);
  if (!(major >= serverMajor)) throw new BackupError(`${name} ${major} cannot handle PostgreSQL ${serverMajor}: install postgresql-client-${serverMajor} and set PG_BIN to its bin folder.`);
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new BackupError(`${path.basename(command)} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`))));
  });
}
