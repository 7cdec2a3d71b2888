// The heart of the product (R-X1, R-X2): an external user must never learn that anything
// outside its groups exists. Two extranet groups with overlapping and separate members; each
// external persona requests every page and list, and no foreign name, id or count may appear.
import t from 'tap';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('no leaks across extranet groups', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Omar Owner', email: 'omar@corp.example' });
  const employeeA = await makeUser(db, { name: 'Anna Insider', email: 'anna@corp.example' });
  const lonelyEmployee = await makeUser(db, { name: 'Lars Loner', email: 'lars@corp.example' });
  const onlyA = await makeUser(db, { name: 'Alice Alpha', email: 'alice@alpha.example', isExtranet: true });
  const onlyB = await makeUser(db, { name: 'Bob Beta', email: 'bob@beta.example', isExtranet: true });
  const both = await makeUser(db, { name: 'Bea Both', email: 'bea@both.example', isExtranet: true });
  const groupA = await makeGroup(db, owner, { name: 'Alpha Launch', isExtranet: true }, [[onlyA], [both], [employeeA]]);
  const groupB = await makeGroup(db, owner, { name: 'Beta Rollout', isExtranet: true, visibleToAll: true }, [[onlyB], [both]]);
  const internal = await makeGroup(db, owner, { name: 'Internal Payroll', visibleToAll: true }, [[lonelyEmployee]]);
  const hidden = await makeGroup(db, lonelyEmployee, { name: 'Secret Board' });

  const everyone = [owner, employeeA, lonelyEmployee, onlyA, onlyB, both];
  const groups = [groupA, groupB, internal, hidden];

  async function crawl(client: Client): Promise<Map<string, string>> {
    const urls = ['/', '/groups', '/groups?tab=my', '/groups?tab=all', '/groups?tab=projects', '/groups?tab=extranet', '/groups?tab=archived', '/users', '/users?q=a', '/profile', '/invitations'];
    for (const g of groups) for (const s of ['', '/about', '/members', '/edit', '/invite', '/invite-external', '/delete', '/image']) urls.push(`/groups/${g.id}${s}`);
    for (const u of everyone) urls.push(`/users/${u.id}`);
    const bodies = new Map<string, string>();
    for (const url of urls) {
      const res = await client.get(url);
      bodies.set(url, `${res.statusCode}\n${res.headers.location ?? ''}\n${res.body}`);
    }
    return bodies;
  }

  const personas = [
    { user: onlyA, contacts: [onlyA, both, owner, employeeA], mine: [groupA] },
    { user: onlyB, contacts: [onlyB, both, owner], mine: [groupB] },
    { user: both, contacts: [both, onlyA, onlyB, owner, employeeA], mine: [groupA, groupB] },
  ];

  for (const persona of personas) {
    const client = await signIn(app, persona.user);
    const bodies = await crawl(client);
    const strangers = everyone.filter((u) => !persona.contacts.includes(u));
    const foreignGroups = groups.filter((g) => !persona.mine.includes(g));
    let leaks = 0;
    for (const [url, body] of bodies) {
      for (const s of strangers) {
        for (const needle of [s.name, s.email, `/users/${s.id}"`]) {
          if (body.includes(needle)) {
            leaks++;
            t.fail(`${persona.user.name} sees ${needle} at ${url}`);
          }
        }
      }
      for (const g of foreignGroups) {
        for (const needle of [g.name, `/groups/${g.id}"`, `/groups/${g.id}/`]) {
          if (body.includes(needle)) {
            leaks++;
            t.fail(`${persona.user.name} sees ${needle} at ${url}`);
          }
        }
      }
    }
    t.equal(leaks, 0, `${persona.user.name}: nothing from outside its groups in ${bodies.size} responses`);
    for (const g of foreignGroups) {
      t.match(bodies.get(`/groups/${g.id}`) ?? '', /^404/, `${persona.user.name}: ${g.name} answers 404`);
      t.match(bodies.get(`/groups/${g.id}/about`) ?? '', /^404/);
    }
    for (const s of strangers) t.match(bodies.get(`/users/${s.id}`) ?? '', /^404/, `${persona.user.name}: ${s.name} answers 404`);
    for (const g of persona.mine) t.match(bodies.get(`/groups/${g.id}`) ?? '', /^200/, `${persona.user.name}: its own group ${g.name} opens`);
    for (const c of persona.contacts) t.match(bodies.get(`/users/${c.id}`) ?? '', /^200/, `${persona.user.name}: contact ${c.name} is visible`);
  }

  t.test('member counts count only what the viewer may see on lists (R-X1)', async (t) => {
    const b = await signIn(app, onlyB);
    const list = await b.get('/groups?tab=my');
    t.match(list.body, /Beta Rollout/);
    t.notMatch(list.body, /Alpha Launch/);
  });

  t.test('an employee sees only the external users it shares a group with (R-X1)', async (t) => {
    const lars = await signIn(app, lonelyEmployee);
    const people = await lars.get('/users');
    for (const name of ['Alice Alpha', 'Bob Beta', 'Bea Both']) t.notMatch(people.body, new RegExp(name));
    t.equal((await lars.get(`/users/${onlyA.id}`)).statusCode, 404);
    const anna = await signIn(app, employeeA);
    t.match((await anna.get('/users')).body, /Alice Alpha/);
    t.notMatch((await anna.get('/users')).body, /Bob Beta/);
  });
});
