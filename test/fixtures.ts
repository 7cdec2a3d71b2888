import type { Knex } from 'knex';
import { Group, Membership, type Role } from '../src/models/group.js';
import type { User } from '../src/models/user.js';

type GroupAttrs = Partial<Pick<Group, 'name' | 'kind' | 'startsOn' | 'endsOn' | 'visibleToAll' | 'isOpen' | 'isExtranet' | 'whoCanInvite' | 'tools' | 'archivedAt' | 'description'>>;

/** Inserts a group with its owner and members directly (fast fixtures for policy and page tests). */
export async function makeGroup(db: Knex, owner: User, attrs: GroupAttrs = {}, members: [User, Role?][] = []): Promise<Group> {
  const group = await Group.query(db).insertAndFetch({
    name: attrs.name ?? `Group ${Math.random().toString(36).slice(2, 8)}`,
    kind: attrs.kind ?? 'workgroup',
    startsOn: attrs.startsOn ?? null,
    endsOn: attrs.endsOn ?? null,
    visibleToAll: attrs.visibleToAll ?? attrs.isOpen ?? false,
    isOpen: attrs.isOpen ?? false,
    isExtranet: attrs.isExtranet ?? false,
    whoCanInvite: attrs.whoCanInvite ?? 'moderators',
    archivedAt: attrs.archivedAt ?? null,
    description: attrs.description ?? '',
    createdBy: owner.id,
    ...(attrs.tools ? { tools: attrs.tools } : {}),
  });
  await Membership.query(db).insert({ groupId: group.id, userId: owner.id, role: 'owner' });
  for (const [user, role] of members) await Membership.query(db).insert({ groupId: group.id, userId: user.id, role: role ?? 'member' });
  return group;
}

/** A create-group form (POST /groups) that passes validation: a project with dates, feed and tasks. */
export const validGroupForm = {
  name: 'Website relaunch',
  description: 'New site',
  kind: 'project',
  startsOn: '2026-01-01',
  endsOn: '2026-06-30',
  visibleToAll: 'on',
  whoCanInvite: 'moderators',
  tools: ['feed', 'tasks'],
  filesWrite: 'members',
  calendarWrite: 'moderators',
};
