// Issue 16: scopes write a tool's name into the SQL (a generic plan then knows it); only names from TOOLS.
import t from 'tap';
import { TOOLS, type Tool } from '../../src/models/group.js';
import { toolOnSql } from '../../src/policy/tool-groups.js';

t.test('a tool name is written only when it is one of TOOLS', async (t) => {
  for (const tool of TOOLS) t.equal(toolOnSql(tool, 'tg'), `'${tool}' = any(tg.tools)`, `${tool} is written as a literal`);
  t.throws(() => toolOnSql("feed' or true or '" as Tool, 'tg'), /not a tool/, 'anything else is refused, never written');
});
