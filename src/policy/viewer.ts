import type { Locale } from '../i18n/locales.js';
import type { User } from '../models/user.js';

export interface AnonymousViewer {
  signedIn: false;
  id: null;
}

export interface SignedInViewer {
  signedIn: true;
  id: number;
  name: string;
  email: string;
  timeZone: string;
  /** The language picked in the profile; null follows the browser. */
  locale: Locale | null;
  isExtranet: boolean;
  isAdmin: boolean;
  /** R-U3: only an admin can have it on, and only for the session that switched it on. */
  adminMode: boolean;
}

export type Viewer = AnonymousViewer | SignedInViewer;

export const anonymous: AnonymousViewer = Object.freeze({ signedIn: false, id: null });

/** What a viewer is built from: the user row's columns the scopes and pages read. */
export type ViewerUser = Pick<User, 'id' | 'name' | 'email' | 'timeZone' | 'locale' | 'isExtranet' | 'isAdmin'>;

/** ViewerUser's columns of the users row aliased `alias`, as SQL (read as rows, not models). */
export const VIEWER_USER_COLUMNS = (alias: string) =>
  `${alias}.id, ${alias}.name, ${alias}.email, ${alias}.time_zone as "timeZone", ${alias}.locale, ${alias}.is_extranet as "isExtranet", ${alias}.is_admin as "isAdmin"`;

/** Built fresh from the user row on every request, so transfers and deactivation apply at once (R-X7, R-U6). */
export function viewerFromUser(user: ViewerUser, adminModeRequested: boolean): SignedInViewer {
  return {
    signedIn: true,
    id: user.id,
    name: user.name,
    email: user.email,
    timeZone: user.timeZone,
    locale: user.locale,
    isExtranet: user.isExtranet,
    isAdmin: user.isAdmin,
    adminMode: user.isAdmin && adminModeRequested,
  };
}

/** An admin with admin mode on sees and may do everything (SPEC §1). */
export function isSuperuser(viewer: Viewer): boolean {
  return viewer.signedIn && viewer.isAdmin && viewer.adminMode;
}

export function isEmployee(viewer: Viewer): boolean {
  return viewer.signedIn && !viewer.isExtranet;
}

/** What the scopes read of a viewer besides its id. */
export type ViewerKind = Pick<SignedInViewer, 'isExtranet' | 'isAdmin' | 'adminMode'>;

/** What the scopes read of a viewer besides its id: viewers with the same key get queries of the same text. */
export function scopeShapeKey(viewer: ViewerKind): string {
  return `${viewer.isExtranet}:${viewer.isAdmin}:${viewer.adminMode}`;
}

/**
 * A viewer with `viewer`'s scope shape and another id, and nothing else of the person (no name, address
 * or zone): what a query template is built from (db/query-template.ts), so no text can carry them.
 */
export function scopeStandIn(viewer: SignedInViewer, id: number): SignedInViewer {
  return { signedIn: true, id, name: '', email: '', timeZone: 'UTC', locale: null, isExtranet: viewer.isExtranet, isAdmin: viewer.isAdmin, adminMode: viewer.adminMode };
}
