import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { LONG_TIMEOUTS } from '../db/knex.js';
import { createUser, setPasswordByEmail } from '../services/users.js';
import { seedDemo } from '../../seeds/demo.js';
import { parseArgs } from './args.js';
import { runBackupCommand } from './backup-command.js';
import { formatSyncReport, syncDirectory } from '../services/sign-in/ldap-sync.js';

const usage = `Usage: npm run cli -- <command> [options]
  migrate                                  run pending migrations
  seed                                     load the small demo company
  user:create --email E --name N --password P [--admin] [--extranet]
  user:set-password --email E --password P
  ldap:sync                                make, update and deactivate accounts from the directory
  backup FILE                              database + uploaded files into FILE (.tar.gz)
  restore FILE                             put a backup back (stop Atrium first)`;

async function run(command: string | undefined, args: string[], db: Database): Promise<number> {
  const { flags, options } = parseArgs(args);
  switch (command) {
    case 'migrate':
      console.log('Migrations are up to date.');
      return 0;
    case 'seed': {
      const logins = await seedDemo(db.knex);
      console.log('Demo company loaded. Sign in with:');
      for (const l of logins) console.log(`  ${l.email}  /  ${l.password}  (${l.role})`);
      return 0;
    }
    case 'user:create': {
      const email = options.get('email');
      const name = options.get('name');
      const password = options.get('password');
      if (!email || !name || !password) return fail('user:create needs --email, --name and --password');
      if (password.length < 10) return fail('The password must be at least 10 characters');
      const result = await createUser(db.knex, { email, name, password, isAdmin: flags.has('admin'), isExtranet: flags.has('extranet') }, null);
      if (!result.ok) return fail(`Refused: ${result.refusal}`);
      console.log(`Created user ${result.user.id} <${result.user.email}>`);
      return 0;
    }
    case 'user:set-password': {
      const email = options.get('email');
      const password = options.get('password');
      if (!email || !password) return fail('user:set-password needs --email and --password');
      if (password.length < 10) return fail('The password must be at least 10 characters');
      if (!(await setPasswordByEmail(db.knex, email, password))) return fail(`No user with e-mail ${email}`);
      console.log('Password set; the user\'s sessions were ended.');
      return 0;
    }
    case 'ldap:sync': {
      const report = await syncDirectory(db.knex, loadConfig().signIn);
      console.log(formatSyncReport(report));
      return report.refused.length > 0 ? 3 : 0;
    }
    default:
      console.log(usage);
      return command ? 2 : 0;
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

const [command, ...rest] = process.argv.slice(2);
// Backups must not start (or migrate) the database they copy.
if (command === 'backup' || command === 'restore') process.exit(await runBackupCommand(command, rest, loadConfig()));
const db = await openDatabase(loadConfig(), undefined, LONG_TIMEOUTS);
let code = 1;
try {
  code = await run(command, rest, db);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
} finally {
  await db.close();
}
process.exit(code);
