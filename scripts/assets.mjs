import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** htmx is served from public/, copied from node_modules (never a CDN). */
export function copyAssets(root) {
  const vendor = path.join(root, 'public', 'vendor');
  mkdirSync(vendor, { recursive: true });
  copyFileSync(path.join(root, 'node_modules', 'htmx.org', 'dist', 'htmx.min.js'), path.join(vendor, 'htmx.min.js'));
}
