import type { Eta } from 'eta';

/**
 * Eta resolves an include's path on every call (JSON key, path.join, path.relative), hundreds of times
 * on a list page. With templates cached (production) the answer for a (template, includer) pair never
 * changes, so it is kept; Eta's own check that a path stays inside the views directory still runs once.
 */
export function memoizeTemplatePaths(eta: Eta): void {
  const resolve = eta.resolvePath;
  const known = new Map<string, string>();
  eta.resolvePath = function (template, options) {
    const key = `${options?.filepath ?? ''}\n${template}`;
    let resolved = known.get(key);
    if (resolved === undefined) {
      resolved = resolve.call(this, template, options);
      known.set(key, resolved);
    }
    return resolved;
  };
}
