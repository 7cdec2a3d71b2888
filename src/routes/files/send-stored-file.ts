import path from 'node:path';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../lib/errors.js';
import { contentDisposition } from '../../lib/file-names.js';
import type { DriveFile } from '../../models/file.js';
import { storedFilePath } from '../../services/file-storage.js';

/**
 * R-F2: a download, streamed from disk: the stored type, always as an attachment (RFC 6266 with
 * an RFC 5987 filename*), never run as a page of ours (sandboxed, no sniffing). @fastify/send
 * answers Range (206, 416), If-Range, If-None-Match (304) and sets ETag and Last-Modified, so
 * downloads resume and media players seek. Several ranges in one request get the whole file.
 */
export async function sendStoredFile(request: FastifyRequest, reply: FastifyReply, storageDir: string, file: Pick<DriveFile, 'storageKey' | 'name' | 'mimeType'>, cache: string) {
  // Relative to DATA_DIR, so a dot in DATA_DIR's own path (~/.atrium) is not taken for a dotfile.
  const relative = path.relative(storageDir, storedFilePath(storageDir, file.storageKey)).split(path.sep).join('/');
  const result = await send(request.raw, `/${relative}`, { root: storageDir, index: false, extensions: false, cacheControl: false, contentType: false });
  if (result.type === 'error') {
    if (result.statusCode === 404) throw new NotFoundError();
    if (result.statusCode >= 500) throw result.metadata.error;
  }
  if (result.type === 'directory') throw new NotFoundError();
  reply.code(result.statusCode).headers(result.headers);
  if (result.statusCode === 200 || result.statusCode === 206) reply.header('Content-Type', file.mimeType);
  return reply
    .header('Content-Disposition', contentDisposition(file.name))
    .header('Cache-Control', cache)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .send(result.stream);
}
