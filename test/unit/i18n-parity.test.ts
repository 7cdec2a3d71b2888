// Issue 17, item 11: every locale has every key of the English catalogue, with the same ICU
// arguments and the same plural/select structure, so a translation can neither drop a value nor
// break a count. A key another branch added in English only is reported here by name.
import t from 'tap';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { catalogues, locales, translator, type MessageKey } from '../../src/i18n/index.js';

const en = catalogues.en;

/** The argument skeleton of a message: each argument with its kind, and the options of plurals and selects, recursively. */
function skeleton(elements: MessageFormatElement[], out: Set<string> = new Set(), prefix = ''): Set<string> {
  for (const el of elements) {
    switch (el.type) {
      case TYPE.argument:
        out.add(`${prefix}{${el.value}}`);
        break;
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        out.add(`${prefix}{${el.value}, ${TYPE[el.type]}}`);
        break;
      case TYPE.plural:
      case TYPE.select:
        out.add(`${prefix}{${el.value}, ${TYPE[el.type]}: ${Object.keys(el.options).sort().join(' ')}}`);
        for (const [option, { value }] of Object.entries(el.options)) skeleton(value, out, `${prefix}${el.value}=${option} `);
        break;
      case TYPE.tag:
        skeleton(el.children, out, prefix);
        break;
      default:
        break;
    }
  }
  return out;
}

const shape = (message: string) => [...skeleton(parse(message, { ignoreTag: true }))].sort();

for (const locale of locales.filter((l) => l !== 'en')) {
  t.test(`${locale}: the same keys as English`, async (t) => {
    const catalogue = catalogues[locale];
    const missing = Object.keys(en).filter((k) => typeof catalogue[k as MessageKey] !== 'string' || catalogue[k as MessageKey] === '');
    const extra = Object.keys(catalogue).filter((k) => !(k in en));
    t.same(missing, [], `keys missing in ${locale} (translate them in src/i18n/${locale}/)`);
    t.same(extra, [], `keys in ${locale} that English no longer has`);
  });

  t.test(`${locale}: the same arguments, plurals and selects per key`, async (t) => {
    const catalogue = catalogues[locale];
    const differing: string[] = [];
    for (const key of Object.keys(en) as MessageKey[]) {
      const translated = catalogue[key];
      if (translated === undefined) continue;
      let theirs: string[];
      try {
        theirs = shape(translated);
      } catch (err) {
        differing.push(`${key}: does not parse (${(err as Error).message})`);
        continue;
      }
      const ours = shape(en[key]);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) differing.push(`${key}: en ${ours.join(', ') || '(none)'} / ${locale} ${theirs.join(', ') || '(none)'}`);
    }
    t.same(differing, [], `${Object.keys(en).length} keys compared`);
  });
}

t.test('the parity check itself notices a changed argument and a changed plural', async (t) => {
  t.notSame(shape('Hello {name}'), shape('Hallo {nom}'));
  t.notSame(shape('{count, plural, one {# x} other {# xs}}'), shape('{count, plural, other {# xs}}'));
  t.notSame(shape('{count, plural, one {# x by {who}} other {# xs}}'), shape('{count, plural, one {# x} other {# xs by {who}}}'));
  t.same(shape('{count, plural, one {# Mitglied} other {# Mitglieder}}'), shape('{count, plural, one {# member} other {# members}}'));
});

t.test('German counts and numbers follow German rules', async (t) => {
  const de = translator('de');
  t.equal(de('groups.members', { count: 1 }), '1 Mitglied');
  t.equal(de('groups.members', { count: 1234 }), '1.234 Mitglieder');
  t.equal(de('feed.poll.total', { count: 0 }), '0 Stimmen insgesamt');
  t.equal(de('title.error', { title: 'Profil' }), 'Fehler: Profil');
});
