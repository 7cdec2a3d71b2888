import type { Role } from '../models/group.js';

/** A person as the membership rules need them. */
export interface Candidate {
  isExtranet: boolean;
  deactivated: boolean;
}

/** Who may hold a seat in a group at all: an active account (R-U6); an external one only in an extranet group (R-X1). */
export function mayBecomeMember(person: Candidate, group: { isExtranet: boolean }): boolean {
  return !person.deactivated && (!person.isExtranet || group.isExtranet);
}

/**
 * R-G4: who may be handed a group: one of its active members (`role` is their current one) who is
 * not already its owner and may hold a seat in it. The one rule for the service and the members page.
 */
export function mayBecomeOwner(member: Candidate & { role: Role }, group: { isExtranet: boolean }): boolean {
  return member.role !== 'owner' && mayBecomeMember(member, group);
}
