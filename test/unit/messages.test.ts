// The message catalogue is ICU MessageFormat (issue 17, item 11): every message compiles, plural
// messages agree in number, and a number is formatted for the locale.
import t from 'tap';
import { IntlMessageFormat } from 'intl-messageformat';
import { en } from '../../src/i18n/en/index.js';
import { t as translate, translator } from '../../src/i18n/index.js';

t.test('every message compiles as ICU MessageFormat', async (t) => {
  const broken: string[] = [];
  for (const [key, message] of Object.entries(en)) {
    try {
      new IntlMessageFormat(message, 'en', undefined, { ignoreTag: true });
    } catch (err) {
      broken.push(`${key}: ${(err as Error).message}`);
    }
  }
  t.same(broken, [], `${Object.keys(en).length} messages`);
});

t.test('counts agree in number', async (t) => {
  t.equal(translate('groups.members', { count: 1 }), '1 member');
  t.equal(translate('groups.members', { count: 1234 }), '1,234 members');
  t.equal(translate('extranet.invite.sent', { count: 1 }), 'Invitation sent to 1 address');
  t.equal(translate('extranet.invite.sent', { count: 3 }), 'Invitations sent to 3 addresses');
  t.match(translate('extranet.invite.seatLimit', { limit: 10, count: 1 }), /1 new account would be needed$/);
  t.equal(translate('feed.poll.votes', { count: 1 }), '1 vote');
  t.equal(translate('feed.poll.total', { count: 0 }), '0 votes in total');
  for (const [key, message] of Object.entries(en)) {
    const argument = /\{(\w+), plural,/.exec(message)?.[1];
    if (!argument) continue;
    // Every other argument gets a value too: a message with a missing one is not formatted at all.
    const others = Object.fromEntries([...message.matchAll(/\{(\w+)[,}]/g)].map((m) => [m[1], 1]));
    const withCount = (n: number) => translate(key as keyof typeof en, { ...others, [argument]: n });
    t.not(withCount(1), withCount(2), `${key}: one and two ${argument} differ`);
  }
});

t.test('markup in a message stays text, and a missing parameter never throws', async (t) => {
  t.equal(translate('group.notYours'), 'a group you are not in');
  t.doesNotThrow(() => translate('groups.members', {}));
  t.match(translate('signIn.ldap.userFilterHint'), /^\{\{username\}\} stands for .*sAMAccountName=\{\{username\}\}\)\)$/, 'quoted braces come out as braces');
});

t.test('a count formatted once reads the same the next time, in each language', async (t) => {
  const en = translator('en');
  const de = translator('de');
  for (let round = 0; round < 2; round++) {
    t.equal(en('groups.members', { count: 1 }), '1 member', `round ${round}: one`);
    t.equal(en('groups.members', { count: 2 }), '2 members', `round ${round}: two`);
    t.equal(en('groups.members', { count: 1234 }), '1,234 members', `round ${round}: grouped for English`);
    t.equal(de('groups.members', { count: 1234 }), '1.234 Mitglieder', `round ${round}: grouped for German`);
    t.match(en('extranet.invite.seatLimit', { limit: 10, count: 1 }), /1 new account/, `round ${round}: two numbers`);
    t.match(en('extranet.invite.seatLimit', { limit: 10, count: 2 }), /2 new accounts/, `round ${round}: the other number changes it`);
  }
});
