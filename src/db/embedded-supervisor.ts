import { startEmbeddedPostgres, stopServerIn, type EmbeddedServer } from './embedded.js';

interface Options {
  dir: string;
  port: number;
  /** PostgreSQL's own output (debug). */
  log?: (line: string) => void;
  /** One line per event: the server died, came back, or keeps failing to start. */
  report: (level: 'warn' | 'info', message: string) => void;
  watchEveryMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Starts the embedded PostgreSQL and keeps it running: when the postmaster dies (a crash, the
 * OOM killer, a stray kill) it is started again on the same port and data, retrying with growing
 * delays while the old server's backends still hold its shared memory. The app's pools reconnect
 * by themselves, so the app serves again without a restart. stop() never waits on a dead server.
 */
export async function superviseEmbeddedPostgres({ dir, port, log, report, watchEveryMs = 200, firstRetryMs = 100, maxRetryMs = 5000 }: Options): Promise<EmbeddedServer> {
  let server = await startEmbeddedPostgres({ dir, port, log });
  // The server of another live Atrium process (the CLI's case) is that process's to look after.
  if (!server.owned) return server;
  let stopping = false;
  let restarting: Promise<void> | null = null;

  const restart = async () => {
    const since = Date.now();
    report('warn', 'embedded PostgreSQL stopped unexpectedly; restarting it (requests answer 503 until it is back)');
    let toldStillDown = false;
    for (let attempt = 1, delay = firstRetryMs; !stopping; attempt++, delay = Math.min(delay * 2, maxRetryMs)) {
      try {
        server = await startEmbeddedPostgres({ dir, port, log });
        report('info', `embedded PostgreSQL is back after ${Date.now() - since} ms (${attempt} ${attempt === 1 ? 'attempt' : 'attempts'})`);
        return;
      } catch (err) {
        // Usually the dead postmaster's backends still hold its shared memory for a moment.
        if (delay === maxRetryMs && !toldStillDown) {
          toldStillDown = true;
          report('warn', `embedded PostgreSQL still does not start (${err instanceof Error ? err.message : 'it exited during start'}); retrying every ${maxRetryMs / 1000} s`);
        }
        await sleep(delay);
      }
    }
  };

  const watch = setInterval(() => {
    if (stopping || restarting || server.alive()) return;
    restarting = restart().finally(() => (restarting = null));
  }, watchEveryMs);
  watch.unref();

  return {
    get url() {
      return server.url;
    },
    owned: true,
    alive: () => server.alive(),
    async stop() {
      stopping = true;
      clearInterval(watch);
      // A server still starting (crash recovery can take seconds) is stopped, not waited for; its
      // postmaster.pid appears a moment after the spawn, so look again until the attempt gives up.
      while (restarting) {
        await stopServerIn(dir, 'SIGQUIT');
        await Promise.race([restarting, sleep(100)]);
      }
      await server.stop();
    },
  };
}
