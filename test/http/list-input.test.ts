// SPEC §7: errors a user can cause never give a 500. Every keyset-paged list takes `q` and
// `after` from the URL; a hand-edited cursor or a NUL byte must give a normal page.
import t from 'tap';
import { encodeCursor } from '../../src/lib/keyset.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const cursors = [
  ...['', '%%%', 'bm90IGpzb24', 'x'.repeat(600)],
  ...[[1.5], [1e20], ['a'], ['a', 1.5], ['a', 1e20], ['\u0000', 1], ['a', 'b'], [1, 2, 3]].map((c) => encodeCursor(c as (string | number)[])),
  ...['[1e400]', '["a",1e400]', 'null', '{}'].map((json) => Buffer.from(json).toString('base64url')),
];

t.test('keyset lists shrug off forged cursors and NUL bytes (SPEC §7)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  await makeGroup(db, admin, { name: 'Visible Group', visibleToAll: true });
  const a = await signIn(app, admin);
  await enableAdminMode(a);

  const lists: [string, RegExp][] = [
    ['/users', /Ada Admin/],
    ['/admin/users', /Ada Admin/],
    ['/groups?tab=all', /Visible Group/],
    ['/admin/audit', /switched admin mode on/],
    ['/admin/outbox', /<h1>Outbox<\/h1>/],
  ];
  for (const [url, firstPage] of lists) {
    const join = url.includes('?') ? '&' : '?';
    for (const after of cursors) {
      const res = await a.get(`${url}${join}after=${encodeURIComponent(after)}`);
      t.equal(res.statusCode, 200, `${url} after=${after.slice(0, 24)}`);
      t.match(res.body, firstPage, 'the first page instead');
    }
    const nul = await a.get(`${url}${join}q=a%00b`);
    t.equal(nul.statusCode, 200, `${url} q with a NUL byte`);
  }
});
