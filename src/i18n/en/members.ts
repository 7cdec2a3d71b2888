export const members = {
  'members.owner.notMember': 'The new owner must be an active member of the group',
  'members.owner.external': 'An external user cannot own a group that is not in the extranet',
} as const;
