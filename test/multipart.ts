import type { LightMyRequestResponse } from 'fastify';
import type { Client } from './helper.js';

export interface Part {
  name: string;
  filename: string;
  type: string;
  data: Buffer;
}

/** A multipart/form-data body built by hand, so tests control every byte (odd names included). */
export function multipart(fields: Record<string, string>, file?: Part): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----atriumtest7d1f';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`, 'utf8'));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads one file as a signed-in client; `csrf: null` leaves the token out. */
export async function uploadAs(c: Client, url: string, file: Omit<Part, 'name'> | undefined, opts: { csrf?: string | null; fieldName?: string } = {}): Promise<LightMyRequestResponse> {
  const csrf = opts.csrf === undefined ? c.csrf : opts.csrf;
  const { payload, headers } = multipart(csrf === null ? {} : { _csrf: csrf }, file && { name: opts.fieldName ?? 'file', ...file });
  return c.app.inject({ method: 'POST', url, payload, headers: { ...headers, cookie: c.sessionCookie } });
}
