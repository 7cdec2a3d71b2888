import { anonymous, type SignedInViewer, type Viewer } from '../src/policy/viewer.js';

export const signedIn = (id: number, attrs: Partial<SignedInViewer>): SignedInViewer => ({
  signedIn: true, id, name: `V${id}`, email: `v${id}@example.com`, timeZone: 'UTC', isExtranet: false, isAdmin: false, adminMode: false, locale: null, ...attrs,
});

/** Columns of every expectation string in the policy tables, in this order. */
export const personas: [string, Viewer][] = [
  ['anonymous', anonymous],
  ['employee', signedIn(1, {})],
  ['extranet', signedIn(2, { isExtranet: true })],
  ['admin, admin mode off', signedIn(3, { isAdmin: true })],
  ['admin, admin mode on', signedIn(3, { isAdmin: true, adminMode: true })],
];

/** An employee whose session claims admin mode without the admin flag: must count as an employee (R-U3). */
export const forged = signedIn(1, { adminMode: true });

/** The id of "someone else" in the tables. */
export const OTHER = 9;
