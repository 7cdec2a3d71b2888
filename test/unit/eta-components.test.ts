// Issue 16: a component gets only the parameters its include passes (no copy of the page's data per
// include); partials and layouts still see their includer's data, as in Eta.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ComponentEta } from '../../src/lib/eta-components.js';

const views = mkdtempSync(path.join(os.tmpdir(), 'eta-components-'));
mkdirSync(path.join(views, 'components'));
mkdirSync(path.join(views, 'partials'));
mkdirSync(path.join(views, 'layouts'));
const write = (name: string, body: string) => writeFileSync(path.join(views, name), body);
write('components/badge.eta', '[<%= it.label %>|<%= it.secret === undefined ? "no secret" : it.secret %>]');
write('partials/row.eta', '(<%= it.secret %> <%~ include("/components/badge", { label: it.label }) %>)');
write('layouts/base.eta', '<main><%= it.secret %>:<%~ it.body %></main>');
write('page.eta', '<% layout("/layouts/base") %><%~ include("/partials/row", { label: "row" }) %>');

t.test('components see their parameters only; partials and layouts inherit', async (t) => {
  const eta = new ComponentEta({ views, cache: true, autoTrim: false });
  t.equal(eta.render('/page', { secret: 'page data' }), '<main>page data:(page data [row|no secret])</main>');
});

t.test('a cached include runs the template it named, with the data of each call (issue 16)', async (t) => {
  mkdirSync(path.join(views, 'partials', 'a'), { recursive: true });
  mkdirSync(path.join(views, 'partials', 'b'), { recursive: true });
  write('partials/a/item.eta', 'A<%= it.n %>');
  write('partials/b/item.eta', 'B<%= it.n %>');
  write('partials/a/list.eta', '<% it.ns.forEach(function (n) { %><%~ include("./item", { n: n }) %><% }) %>');
  write('partials/b/list.eta', '<% it.ns.forEach(function (n) { %><%~ include("./item", { n: n }) %><% }) %>');
  write('both.eta', '<%~ include("/partials/a/list", { ns: it.ns }) %>|<%~ include("/partials/b/list", { ns: it.ns }) %>|<%~ include("/components/badge", { label: it.ns.length }) %>');
  const eta = new ComponentEta({ views, cache: true, autoTrim: false });
  t.equal(eta.render('/both', { ns: [1, 2] }), 'A1A2|B1B2|[2|no secret]', 'the first render, through Eta');
  t.equal(eta.render('/both', { ns: [3, 4, 5] }), 'A3A4A5|B3B4B5|[3|no secret]', 'later renders: the same name from two includers is two templates, each with its own data');
  const uncached = new ComponentEta({ views, cache: false, autoTrim: false });
  write('partials/a/item.eta', 'a<%= it.n %>');
  t.equal(uncached.render('/both', { ns: [6] }), 'a6|B6|[1|no secret]', 'without the cache (development), a changed template is read again');
  t.throws(() => eta.render('/partials/a/list', { ns: [1] }) && eta.render('/missing', {}), /Could not find template/);
});
