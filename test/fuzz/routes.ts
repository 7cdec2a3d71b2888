import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Every POST route of a ready app, read from fastify's own route tree
 * (`printRoutes({ method: 'POST', commonPrefix: false })`): one line per node, four
 * characters of indentation per level, a node's path is its ancestors' segments joined.
 */
export function postRoutes(app: FastifyInstance): string[] {
  return routesOf(app, 'POST');
}

/** Every route of one method, as in `postRoutes`. */
export function routesOf(app: FastifyInstance, method: 'GET' | 'POST'): string[] {
  const tree = app.printRoutes({ method, commonPrefix: false });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ├└─]*?)([├└]── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[3] ?? '');
    if (m[4]?.split(', ').includes(method)) routes.push(stack.join(''));
  }
  return routes;
}

/** Every form field name the templates and routes mention (`name="x"` and `name: 'x'`). */
export function formFieldNames(root: string): string[] {
  const names = new Set<string>();
  for (const dir of ['views', 'src/routes']) {
    for (const file of readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (!/\.(eta|ts)$/.test(file)) continue;
      const text = readFileSync(path.join(root, dir, file), 'utf8');
      for (const m of text.matchAll(/name(?:="|: ')([A-Za-z][A-Za-z0-9_]*)["']/g)) if (m[1]) names.add(m[1]);
    }
  }
  for (const skip of ['_csrf', 'viewport', 'htmx-config']) names.delete(skip);
  return [...names].sort();
}

/** Every query parameter a route reads (`request.query.x`, `query as { x?: … }`, `query.x`). */
export function queryParamNames(root: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(path.join(root, 'src/routes'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(path.join(root, 'src/routes', file), 'utf8');
    for (const m of text.matchAll(/query(?:\?)?\.([a-z][A-Za-z0-9_]*)/g)) if (m[1]) names.add(m[1]);
    for (const m of text.matchAll(/query as \{([^}]*)\}/g)) for (const n of (m[1] ?? '').matchAll(/([a-z][A-Za-z0-9_]*)\??:/g)) if (n[1]) names.add(n[1]);
  }
  return [...names].sort();
}
