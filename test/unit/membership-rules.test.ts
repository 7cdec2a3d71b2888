// R-G4, R-U6, R-X1: who may hold a seat in a group, and who may be handed it. One rule, used by the
// service that hands a group over and by the members page that offers the button (issue 14 item 5).
import t from 'tap';
import { mayBecomeMember, mayBecomeOwner } from '../../src/policy/membership-rules.js';

const employee = { isExtranet: false, deactivated: false };
const external = { isExtranet: true, deactivated: false };
const gone = { isExtranet: false, deactivated: true };
const intranetGroup = { isExtranet: false };
const extranetGroup = { isExtranet: true };

t.test('a seat: an active account; an external one only in an extranet group', async (t) => {
  t.ok(mayBecomeMember(employee, intranetGroup));
  t.ok(mayBecomeMember(employee, extranetGroup));
  t.ok(mayBecomeMember(external, extranetGroup));
  t.notOk(mayBecomeMember(external, intranetGroup), 'R-X1');
  t.notOk(mayBecomeMember(gone, intranetGroup), 'R-U6');
});

t.test('the owner: a member who may hold the seat and is not the owner already', async (t) => {
  t.ok(mayBecomeOwner({ ...employee, role: 'member' }, intranetGroup));
  t.ok(mayBecomeOwner({ ...employee, role: 'moderator' }, intranetGroup));
  t.ok(mayBecomeOwner({ ...external, role: 'member' }, extranetGroup), 'an external member of an extranet group');
  t.notOk(mayBecomeOwner({ ...employee, role: 'owner' }, intranetGroup), 'already the owner');
  t.notOk(mayBecomeOwner({ ...external, role: 'member' }, intranetGroup));
  t.notOk(mayBecomeOwner({ ...gone, role: 'moderator' }, intranetGroup));
});
