import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** htmx and its SSE extension are served from public/, copied from node_modules (never a CDN); then every script and style is pre-compressed. */
export function copyAssets(root) {
  const vendor = path.join(root, 'public', 'vendor');
  mkdirSync(vendor, { recursive: true });
  copyFileSync(path.join(root, 'node_modules', 'htmx.org', 'dist', 'htmx.min.js'), path.join(vendor, 'htmx.min.js'));
  copyFileSync(path.join(root, 'node_modules', 'htmx-ext-sse', 'dist', 'sse.min.js'), path.join(vendor, 'sse.min.js'));
  precompress(path.join(root, 'public'));
}

/**
 * Writes `x.br` and `x.gz` beside each `.css` and `.js` under `dir`, once at build, so the
 * production server sends compressed bytes (@fastify/static `preCompressed`) without compressing per request.
 */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) precompress(full);
    else if (/\.(css|js)$/.test(entry.name)) {
      const bytes = readFileSync(full);
      writeFileSync(`${full}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${full}.gz`, gzipSync(bytes, { level: 9 }));
    }
  }
}
