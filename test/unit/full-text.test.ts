// R-F6: what a search box's text becomes, and the prefixes search-paths.ts weighs.
import t from 'tap';
import { prefixesOf, prefixQuery } from '../../src/lib/full-text.js';

t.test('a search box becomes a prefix query, and its prefixes are read back from it', async (t) => {
  t.equal(prefixQuery('  Launc   Budget! '), "'launc':* & 'budget':*", 'every word, lower-cased, as a prefix, all of them required');
  t.equal(prefixQuery("a'b & c|d"), "'ab':* & 'cd':*", 'quotes and tsquery operators are dropped');
  t.equal(prefixQuery('!&|'), null, 'nothing searchable: no query');
  t.same(prefixesOf(prefixQuery('Launc Budget anna@example.com')!), ['launc', 'budget', 'anna@example.com'], 'the prefixes, in order');
  t.same(prefixesOf('budget'), [], 'a query not made by prefixQuery has none');
});
