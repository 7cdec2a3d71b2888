import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../lib/errors.js';

/** An uploaded file as a form field's value: already streamed to a temporary file. */
export interface UploadedFile {
  tmpPath: string;
  filename: string;
  mimetype: string;
  size: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploadTmpFiles: string[];
    /** True while a multipart body is being parsed: an error then (no boundary, cut short) is the sender's. */
    multipartUnread: boolean;
  }
  interface FastifyContextConfig {
    /**
     * The largest file the route takes right now when that is a setting rather than its multipart
     * `fileSize`, with the error that says so; a body announced larger is refused unread.
     */
    uploadLimit?: () => Promise<{ bytes: number; error: HttpError }>;
  }
}

/** Room for the form's other fields and the multipart boundaries around the file. */
const MULTIPART_ENVELOPE_BYTES = 2 * 1024 * 1024;
/** A temporary file nobody has written to for this long belongs to an upload that died with its process. */
const STALE_AFTER_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 15 * 60 * 1000;

/** A multipart body the parser could not read is a 400, not a 500; a failing disk (it has a syscall) stays a 500. */
export function isUnreadableMultipart(request: FastifyRequest, error: unknown): boolean {
  const e = error as { statusCode?: number; syscall?: string };
  return request.multipartUnread === true && e.statusCode === undefined && e.syscall === undefined;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && typeof (v as UploadedFile).tmpPath === 'string';
}

/**
 * Deletes temporary files untouched for an hour: what a killed process or a lost disk write left
 * behind. Uploads still running (in this process or another sharing DATA_DIR) keep writing to
 * theirs, so they are never that old. Returns how many were deleted.
 */
export async function sweepStaleUploads(tmpDir: string, now = Date.now()): Promise<number> {
  let swept = 0;
  for (const name of await readdir(tmpDir).catch(() => [])) {
    const file = path.join(tmpDir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile() || now - info.mtimeMs < STALE_AFTER_MS) continue;
    await rm(file, { force: true });
    swept++;
  }
  return swept;
}

/** The Content-Length a request announces, or null when it sends none (chunked) or nonsense. */
function announcedLength(request: FastifyRequest): number | null {
  const raw = request.headers['content-length'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Refused before the body is read; the connection is closed after the answer rather than draining gigabytes. */
function refuseUnread(reply: FastifyReply, error: HttpError): never {
  reply.header('Connection', 'close');
  throw error;
}

/**
 * Multipart forms: files are streamed to disk, never held whole in memory, and their
 * fields (the CSRF token among them) land in request.body before the CSRF check.
 * Temporary files a handler did not move away are removed when the response ends, sent or
 * aborted; files left by a dead process are swept at start and every quarter of an hour.
 */
export default fp(
  async function uploadsPlugin(app: FastifyInstance, opts: { tmpDir: string; defaultFileSize: number }) {
    await mkdir(opts.tmpDir, { recursive: true });
    const sweep = () => sweepStaleUploads(opts.tmpDir).catch((err: unknown) => app.log.warn({ err }, 'sweeping temporary uploads failed'));
    await sweep();
    const sweeper = setInterval(() => void sweep(), SWEEP_EVERY_MS);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    app.decorateRequest('uploadTmpFiles');
    app.addHook('onRequest', async (request, reply) => {
      request.uploadTmpFiles = [];
      // 'close' comes after a finished response and after a client that went away alike.
      reply.raw.once('close', () => void Promise.all(request.uploadTmpFiles.map((p) => rm(p, { force: true }))));
    });

    app.addHook('preParsing', async (request, reply) => {
      if (!request.headers['content-type']?.startsWith('multipart/form-data')) return;
      const announced = announcedLength(request);
      if (announced === null) return;
      const config = request.routeOptions.config;
      const fileSize = config.multipartOptions?.limits?.fileSize ?? opts.defaultFileSize;
      if (announced > fileSize + MULTIPART_ENVELOPE_BYTES) refuseUnread(reply, new HttpError(413));
      const limit = await config.uploadLimit?.();
      if (limit && announced > limit.bytes + MULTIPART_ENVELOPE_BYTES) refuseUnread(reply, limit.error);
    });

    app.decorateRequest('multipartUnread', false);
    // Around the parser's own preValidation hook: set before it runs, cleared once it succeeded.
    app.addHook('preValidation', async (request) => {
      request.multipartUnread = request.isMultipart();
    });
    await app.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25, fileSize: opts.defaultFileSize },
      async onFile(this: FastifyRequest, part: MultipartFile) {
        // A part the parser still held when the client went away: its rest will never come, and
        // nothing would end the file's stream. Write nothing, and cut one already running short.
        // (A request also closes after a complete body; only an incomplete one was cut off.)
        const cutOff = new Error('the request ended before the file did');
        const gone = () => {
          if (!this.raw.complete) part.file.destroy(cutOff);
        };
        if (this.raw.destroyed && !this.raw.complete) {
          gone();
          throw cutOff;
        }
        const tmpPath = path.join(opts.tmpDir, randomUUID());
        this.uploadTmpFiles.push(tmpPath);
        let size = 0;
        part.file.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        this.raw.once('close', gone);
        try {
          await pipeline(part.file, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }));
        } catch (err) {
          // Cut short (the client left, or was too slow): the partial file may have been created
          // after the response's cleanup already ran.
          await rm(tmpPath, { force: true });
          throw err;
        } finally {
          this.raw.removeListener('close', gone);
        }
        const value: UploadedFile = { tmpPath, filename: part.filename, mimetype: part.mimetype, size };
        (part as unknown as { value: UploadedFile }).value = value;
      },
    });
    app.addHook('preValidation', async (request) => {
      request.multipartUnread = false;
    });
  },
  { name: 'uploads' },
);
