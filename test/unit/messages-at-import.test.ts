// Issue 17, item 11: no message is built when a module loads. A text built at import would be in
// one language for every request; schemas and constants take their messages lazily (forms.ts:
// fieldError, or `error: () => t(...)`), and everything else translates while a request runs.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { messagesBuiltOutsideRequest } from '../../src/i18n/index.js';

const src = path.resolve(import.meta.dirname, '../../src');
// Entry points that start something when imported (the CLI, the server, its processes) are left out.
const modules = ['app.ts', ...['routes', 'services', 'lib', 'plugins', 'finders', 'policy', 'models'].flatMap((dir) =>
  readdirSync(path.join(src, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)),
)];

t.test('importing the whole app translates nothing', async (t) => {
  const before = messagesBuiltOutsideRequest();
  for (const file of modules) await import(pathToFileURL(path.join(src, file)).href);
  t.ok(modules.length > 100, `${modules.length} modules imported`);
  t.equal(messagesBuiltOutsideRequest() - before, 0, 'calls of t() outside a request while importing');
});
