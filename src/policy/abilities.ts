import type { Viewer } from './viewer.js';
import { isSuperuser } from './viewer.js';

export interface UserRecord {
  id: number;
  isAdmin: boolean;
  isExtranet: boolean;
  deactivatedAt: Date | null;
}

/**
 * One table of write rules. Each entry names the record it judges and cites the
 * spec. Group, task and tool abilities join this table as those areas land.
 */
interface Rules {
  /** SPEC §6 with R-U3: admin pages need admin mode. */
  'admin:access': null;
  /** R-U3: only admins have the switch. */
  'admin-mode:switch': null;
  'profile:edit': UserRecord;
  /** R-U6: an admin cannot lock themselves out. */
  'user:deactivate': UserRecord;
  'user:reactivate': UserRecord;
  'user:set-admin': UserRecord;
  'settings:edit': null;
}

export type Action = keyof Rules;

const rules: { [A in Action]: (viewer: Viewer, record: Rules[A]) => boolean } = {
  'admin:access': (v) => isSuperuser(v),
  'admin-mode:switch': (v) => v.signedIn && v.isAdmin,
  'profile:edit': (v, user) => v.signedIn && v.id === user.id,
  'user:deactivate': (v, user) => isSuperuser(v) && v.id !== user.id && user.deactivatedAt === null,
  'user:reactivate': (v, user) => isSuperuser(v) && user.deactivatedAt !== null,
  'user:set-admin': (v, user) => isSuperuser(v) && v.id !== user.id && !user.isExtranet,
  'settings:edit': (v) => isSuperuser(v),
};

export function can<A extends Action>(viewer: Viewer, action: A, record: Rules[A]): boolean {
  return rules[action](viewer, record);
}
