import type { Config } from '../config.js';
import { backup, BackupError, restore } from './backup.js';

/** `backup FILE` and `restore FILE` for the CLI; returns the exit code. */
export async function runBackupCommand(command: 'backup' | 'restore', args: string[], config: Config): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(`${command} needs a file name, e.g. npm run cli -- ${command} atrium-backup.tar.gz`);
    return 2;
  }
  const target = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  try {
    const manifest = command === 'backup' ? await backup(target, file) : await restore(target, file);
    const what = manifest.kind === 'logical' ? 'pg_dump of the database and the uploaded files' : 'copy of the embedded database and DATA_DIR';
    console.log(command === 'backup' ? `Backed up (${what}) to ${file}` : `Restored ${file} (${what}, taken ${manifest.createdAt})`);
    return 0;
  } catch (err) {
    console.error(err instanceof BackupError || err instanceof Error ? err.message : String(err));
    return 1;
  }
}
