// Issue 16: a value of the code's own (a task status) is written into a statement's text, so a prepared
// statement's generic plan knows it; only values from the allowed list, never anything else.
import t from 'tap';
import { codeConstant } from '../../src/db/code-constant.js';
import { taskListQuery } from '../../src/finders/tasks.js';
import { TASK_STATUSES, type TaskStatus } from '../../src/models/task.js';
import type { SignedInViewer } from '../../src/policy/viewer.js';
import { testDatabase } from '../helper.js';

t.test('a constant is written only when it is one of the allowed values', async (t) => {
  t.throws(() => codeConstant("pending' or true or '" as TaskStatus, TASK_STATUSES), /not a constant/, 'a value outside the list is refused, never written');
  t.throws(() => codeConstant('Pending' as TaskStatus, ['Pending' as TaskStatus]), /not a constant/, 'and so is one that is not plain lower-case letters, even if listed');
});

t.test('a board column (R-T9) has its status in the text: one statement per column, each with a plan that knows it', async (t) => {
  await testDatabase(t);
  const viewer: SignedInViewer = { signedIn: true, id: 7, name: '', email: '', timeZone: 'UTC', locale: null, isExtranet: false, isAdmin: false, adminMode: false };
  const texts = new Set<string>();
  for (const status of TASK_STATUSES) {
    const { sql, bindings } = taskListQuery(viewer, { status }).toKnexQuery().toSQL();
    t.match(sql, `"tasks"."status" = '${status}'`, `${status} is written into the text`);
    t.notOk(bindings.includes(status), `and is not bound`);
    texts.add(sql);
  }
  t.equal(texts.size, TASK_STATUSES.length, 'each column is its own statement');
});
