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
