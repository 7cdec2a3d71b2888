// The persona matrix (DESIGN.md): every group page, for each kind of viewer, answers as expected.
// A group the viewer may not see answers 404, exactly like one that does not exist (R-X1, R-G9).
import t from 'tap';
import { build, Client, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

type Expect = number | `303 ${string}`;

t.test('persona matrix for group routes', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const stranger = await makeUser(db, { name: 'Stranger' });
  const external = await makeUser(db, { name: 'External', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const hidden = await makeGroup(db, owner, { name: 'Hidden' }, [[member]]);
  const visible = await makeGroup(db, owner, { name: 'Visible', visibleToAll: true }, [[member]]);

  const adminMode = await signIn(app, admin);
  await enableAdminMode(adminMode);
  const clients: Record<string, Client> = {
    anonymous: new Client(app),
    owner: await signIn(app, owner),
    member: await signIn(app, member),
    stranger: await signIn(app, stranger),
    external: await signIn(app, external),
    admin: await signIn(app, admin),
    adminMode,
  };

  const pages = (id: number) => ({ home: `/groups/${id}`, about: `/groups/${id}/about`, members: `/groups/${id}/members`, edit: `/groups/${id}/edit`, delete: `/groups/${id}/delete` });
  const about = (id: number): Expect => `303 /groups/${id}/about`;
  const login: Expect = '303 /login';

  const matrix: Record<string, { hidden: Record<string, Expect>; visible: Record<string, Expect> }> = {
    anonymous: { hidden: { home: login, about: login, members: login, edit: login, delete: login }, visible: { home: login, about: login, members: login, edit: login, delete: login } },
    owner: { hidden: { home: 200, about: 200, members: 200, edit: 200, delete: 200 }, visible: { home: 200, about: 200, members: 200, edit: 200, delete: 200 } },
    member: { hidden: { home: 200, about: 200, members: 200, edit: 404, delete: 403 }, visible: { home: 200, about: 200, members: 200, edit: 404, delete: 403 } },
    stranger: { hidden: { home: 404, about: 404, members: 404, edit: 404, delete: 404 }, visible: { home: about(visible.id), about: 200, members: about(visible.id), edit: 404, delete: 403 } },
    external: { hidden: { home: 404, about: 404, members: 404, edit: 404, delete: 404 }, visible: { home: 404, about: 404, members: 404, edit: 404, delete: 404 } },
    admin: { hidden: { home: 404, about: 404, members: 404, edit: 404, delete: 404 }, visible: { home: about(visible.id), about: 200, members: about(visible.id), edit: 404, delete: 403 } },
    adminMode: { hidden: { home: 200, about: 200, members: 200, edit: 200, delete: 200 }, visible: { home: 200, about: 200, members: 200, edit: 200, delete: 200 } },
  };

  for (const [persona, client] of Object.entries(clients)) {
    for (const [which, group] of [['hidden', hidden], ['visible', visible]] as const) {
      for (const [page, url] of Object.entries(pages(group.id))) {
        const expected = matrix[persona]?.[which][page];
        const res = await client.get(url);
        if (typeof expected === 'string') {
          t.equal(res.statusCode, 303, `${persona} ${which} ${page}`);
          t.ok(String(res.headers.location).startsWith(expected.slice(4)), `${persona} ${which} ${page} → ${expected}`);
        } else t.equal(res.statusCode, expected, `${persona} ${which} ${page}`);
      }
    }
  }

  t.test('a missing group and a malformed id look the same as a hidden one', async (t) => {
    for (const url of ['/groups/999999', '/groups/abc', '/groups/1e3', '/groups/-1', '/groups/99999999999/about']) {
      t.equal((await clients.stranger!.get(url)).statusCode, 404, url);
    }
  });

  t.test('lists: only admin mode lists hidden groups (R-G9)', async (t) => {
    t.notMatch((await clients.stranger!.get('/groups?tab=all')).body, /Hidden/);
    t.match((await clients.stranger!.get('/groups?tab=all')).body, /Visible/);
    t.notMatch((await clients.admin!.get('/groups?tab=all')).body, /Hidden/);
    t.match((await clients.adminMode!.get('/groups?tab=all')).body, /Hidden/);
    t.notMatch((await clients.external!.get('/groups?tab=all')).body, /Visible|Hidden/);
  });
});
