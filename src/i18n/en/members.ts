export const members = {
  'members.owner.notMember': 'The new owner must be an active member of the group',
  'members.owner.external': 'An external user cannot own a group that is not in the extranet',
  'members.expired.subject': '{name} has left {group}',
  'members.expired.body': 'The membership of {name} in "{group}" reached its end date, so their access has ended.',
  'members.expiry.label': 'Membership of {name} ends on',
  'members.expiry.save': 'Set end date for {name}',
  'members.expiry.saved': 'End of membership saved',
  'members.expiry.ends': 'until {date}',
} as const;
