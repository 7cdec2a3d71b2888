import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fastifyMultipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

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
}

/** A multipart body the parser could not read is a 400, not a 500; a failing disk (it has a syscall) stays a 500. */
export function isUnreadableMultipart(request: FastifyRequest, error: unknown): boolean {
  const e = error as { statusCode?: number; syscall?: string };
  return request.multipartUnread === true && e.statusCode === undefined && e.syscall === undefined;
}

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && typeof (v as UploadedFile).tmpPath === 'string';
}

/**
 * Multipart forms: files are streamed to disk, never held whole in memory, and their
 * fields (the CSRF token among them) land in request.body before the CSRF check.
 * Temporary files a handler did not move away are removed when the response is sent.
 */
export default fp(
  async function uploadsPlugin(app: FastifyInstance, opts: { tmpDir: string; defaultFileSize: number }) {
    await mkdir(opts.tmpDir, { recursive: true });
    app.decorateRequest('uploadTmpFiles');
    app.addHook('onRequest', async (request) => {
      request.uploadTmpFiles = [];
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
        const tmpPath = path.join(opts.tmpDir, randomUUID());
        this.uploadTmpFiles.push(tmpPath);
        let size = 0;
        part.file.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        await pipeline(part.file, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }));
        const value: UploadedFile = { tmpPath, filename: part.filename, mimetype: part.mimetype, size };
        (part as unknown as { value: UploadedFile }).value = value;
      },
    });
    app.addHook('preValidation', async (request) => {
      request.multipartUnread = false;
    });
    app.addHook('onResponse', async (request) => {
      await Promise.all(request.uploadTmpFiles.map((p) => rm(p, { force: true })));
    });
  },
  { name: 'uploads' },
);
