import type { Eta } from 'eta';

/**
 * Eta resolves an include's path on every call (JSON key, path.join, path.relative), hundreds of times
 * on a list page. With templates cached (production) the answer for a (template, includer) pair never
 * changes, so it is kept; Eta's own check that a path stays inside the views directory still runs once.
 */
export function memoizeTemplatePaths(eta: Eta): void {
  const resolve = eta.resolvePath;
  // By includer, then by name: both are the same string objects on every call, so neither is joined nor hashed anew.
  const known = new Map<string, Map<string, string>>();
  eta.resolvePath = function (template, options) {
    const includer = options?.filepath ?? '';
    let byName = known.get(includer);
    if (byName === undefined) {
      byName = new Map();
      known.set(includer, byName);
    }
    let resolved = byName.get(template);
    if (resolved === undefined) {
      resolved = resolve.call(this, template, options);
      byName.set(template, resolved);
    }
    return resolved;
  };
}
