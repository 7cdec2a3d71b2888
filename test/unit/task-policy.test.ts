// The task rules of issue 17 item 7 in can() for every kind of viewer (R-T8, R-G7, R-X1):
// who may delete a task and who may delete a comment on it.
// Columns: anonymous, employee, extranet, admin (admin mode off), admin (admin mode on).
import t from 'tap';
import type { Role } from '../../src/models/group.js';
import { can, type Action, type TaskContext } from '../../src/policy/abilities.js';
import type { Viewer } from '../../src/policy/viewer.js';
import { OTHER, personas } from '../personas.js';

/** A group task created by and assigned to someone else, as the viewer meets it; an anonymous viewer has no roles. */
const task = (attrs: { groupRole?: Role | null; taskRole?: TaskContext['taskRole']; mine?: boolean; archived?: boolean } = {}) => (v: Viewer): TaskContext => ({
  task: { creatorId: attrs.mine ? (v.id ?? 0) : OTHER, responsibleId: OTHER, groupId: 5 },
  taskRole: v.signedIn ? (attrs.taskRole ?? null) : null,
  groupRole: v.signedIn ? (attrs.groupRole === undefined ? 'member' : attrs.groupRole) : null,
  groupArchived: attrs.archived ?? false,
  groupTasksOn: true,
});
const comment = (ctx: (v: Viewer) => TaskContext, own: boolean) => (v: Viewer) => ({ task: ctx(v), authorId: own ? (v.id ?? -1) : OTHER });

type Case = [string, (v: Viewer) => unknown, string];
const table: Partial<Record<Action, Case[]>> = {
  'task:delete': [
    ['a plain group member (R-T8)', task(), '00001'],
    ['its creator', task({ mine: true }), '01111'],
    ['a group moderator', task({ groupRole: 'moderator' }), '01111'],
    ['its creator, archived group (R-G7)', task({ mine: true, archived: true }), '00000'],
  ],
  'task-comment:delete': [
    ['one\'s own comment, observer', comment(task({ taskRole: 'observer', groupRole: null }), true), '01111'],
    ['someone else\'s comment, observer', comment(task({ taskRole: 'observer', groupRole: null }), false), '00001'],
    ['someone else\'s comment, participant', comment(task({ taskRole: 'participant' }), false), '00001'],
    ['someone else\'s comment, plain group member', comment(task(), false), '00001'],
    ['someone else\'s comment, the task\'s creator (R-T8)', comment(task({ mine: true }), false), '01111'],
    ['someone else\'s comment, group moderator (R-T8)', comment(task({ groupRole: 'moderator' }), false), '01111'],
    ['one\'s own comment after losing sight of the task (R-X1)', comment(task({ groupRole: null }), true), '00001'],
    ['one\'s own comment in an archived group (R-G7)', comment(task({ archived: true }), true), '00000'],
  ],
};

t.test('can(): deleting tasks and their comments for every kind of viewer', async (t) => {
  for (const [action, cases] of Object.entries(table) as [Action, Case[]][]) {
    for (const [label, record, expected] of cases) {
      const got = personas.map(([, v]) => (can(v, action, record(v) as never) ? '1' : '0')).join('');
      t.equal(got, expected, `${action}: ${label} (${personas.map(([p]) => p).join(', ')})`);
    }
  }
});
