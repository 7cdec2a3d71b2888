// Issue 14, item 5, and STYLE.md "Access only in src/policy": who may see or do what is decided
// by the policy's scopes and abilities alone. Routes pass templates a `may`/`can` map computed by
// can(); templates only read it. This scan fails on an access decision made anywhere else, with
// no list of exceptions. Showing a state (the extranet mark, the admin-mode badge) is not a decision.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';

const root = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .map((f) => path.join(dir, f));
}

interface Rule {
  what: string;
  files: string[];
  pattern: RegExp;
}

const routes = filesUnder('src/routes', /\.ts$/);
const views = filesUnder('views', /\.eta$/);
const outsidePolicy = filesUnder('src', /\.ts$/).filter((f) => !f.startsWith(path.join('src', 'policy')));

const rules: Rule[] = [
  { what: "a tool's on/off state tested outside the policy ('tool:enabled', 'tool:read')", files: [...routes, ...views], pattern: /\.tools\.includes\(/ },
  { what: 'a condition on the viewer kind or admin mode in a route', files: routes, pattern: /viewer\??\.(isExtranet|adminMode|isAdmin)\b|\b(isSuperuser|isEmployee)\(/ },
  { what: "a comparison with the viewer's id in a template", files: views, pattern: /viewer\??\.id\b|\bviewerId\b/ },
  { what: 'the R-X8 expiry rule written as SQL outside the policy (activeMembership(), expiredMembership())', files: outsidePolicy, pattern: /expires_at/ },
];

for (const rule of rules) {
  t.test(`no ${rule.what}`, async (t) => {
    t.ok(rule.files.length > 10, `${rule.files.length} files scanned`);
    const offenders: string[] = [];
    for (const file of rule.files) {
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (rule.pattern.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
        });
    }
    t.same(offenders, [], rule.what);
  });
}

t.test('the patterns catch what they should', async (t) => {
  const [tools, kind, viewerId, expiry] = rules;
  t.match("if (!ctx.group.tools.includes('tasks')) throw", tools?.pattern);
  t.match('const employee = viewer.signedIn && !viewer.isExtranet;', kind?.pattern);
  t.match('const stillVisible = isSuperuser(viewer) || x;', kind?.pattern);
  t.match('<% if (u.id !== it.viewer.id) { %>', viewerId?.pattern);
  t.match("whereRaw('(expires_at is null or expires_at > now())')", expiry?.pattern);
  t.notMatch('person: { name: u.name, isExtranet: u.isExtranet }', kind?.pattern, 'a record being external is data, not the viewer');
});
