import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { formatBytes } from '../../lib/format-bytes.js';
import { formValues } from '../../lib/forms.js';
import { findSharedWithMe } from '../../finders/files.js';
import { isUploadedFile } from '../../plugins/uploads.js';
import type { DriveFile } from '../../models/file.js';
import type { Submission } from '../../services/submissions.js';
import { submitOnce } from '../submit-once.js';
import { MAX_UPLOAD_BYTES, UploadTooLargeError, createFolder, uploadFile } from '../../services/files.js';
import { getSettings } from '../../services/settings.js';
import { folderLocation, groupDriveLocation, myDriveLocation, renderDrive, targetOf, urlOf, type DriveLocation } from './drive-page.js';

type Req = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: Record<string, string | undefined> }>;
const signedIn = { config: { access: 'signed-in' as const } };
/** Uploads stream to disk up to the settings' ceiling; the configured limit is checked by the service (413). */
const uploadRoute = {
  config: {
    access: 'signed-in' as const,
    multipartOptions: { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } },
    // A body announced above the configured limit is refused before a byte of it is read (plugins/uploads.ts).
    uploadLimit: async () => {
      const { uploadLimitMb } = await getSettings();
      return { bytes: uploadLimitMb * 1024 * 1024, error: new UploadTooLargeError(uploadLimitMb) };
    },
  },
};

/** R-F2: a clear 413 page naming the limit. */
export function tooLarge(reply: FastifyReply, limitMb: number) {
  return reply.page('pages/error', { title: t('error.413.title'), status: 413, message: t('files.upload.tooLarge', { limit: limitMb }) }, 413);
}

export default async function driveRoutes(app: FastifyInstance): Promise<void> {
  const storageDir = app.config.dataDir;

  app.get('/groups/:id/files', signedIn, async (request: Req, reply) => {
    const loc = await groupDriveLocation(request, reply);
    return loc ? renderDrive(request, reply, loc) : reply;
  });
  app.get('/files', signedIn, async (request: Req, reply) => renderDrive(request, reply, myDriveLocation(request)));
  app.get('/folders/:id', signedIn, async (request: Req, reply) => renderDrive(request, reply, await folderLocation(request)));

  app.get('/files/shared', signedIn, async (request: Req, reply) => {
    const items = await findSharedWithMe(request.viewer);
    return reply.page('pages/files/shared', { title: t('files.shared'), items: items.map((i) => ({ ...i, sizeLabel: i.size === null ? '' : formatBytes(i.size) })) });
  });

  /** A shared folder belongs to someone else's drive: reading only (R-F2). */
  function writable(loc: DriveLocation): DriveLocation {
    if (loc.kind === 'shared') throw new ForbiddenError(t('files.cannotWrite'));
    return loc;
  }

  async function writeLocation(request: Req): Promise<DriveLocation> {
    const loc = await groupDriveLocation(request, null);
    if (!loc) throw new NotFoundError();
    return loc;
  }

  async function upload(request: Req, reply: FastifyReply, loc: DriveLocation) {
    return submitOnce(request, reply, () => urlOf(loc), (once) => store(request, reply, loc, once));
  }

  async function store(request: Req, reply: FastifyReply, loc: DriveLocation, once: Submission<DriveFile> | null) {
    const file = request.body?.file;
    try {
      const result = await uploadFile(app.db, request.viewer, targetOf(writable(loc)), loc.folder?.id ?? null, isUploadedFile(file) ? file : undefined, storageDir, once);
      if (!result.ok) return renderDrive(request, reply, loc, { errors: result.errors }, 422);
      request.session.set('flash', { kind: 'success', message: t('files.upload.done', { name: result.value.name }) });
      return reply.redirect(urlOf(loc), 303);
    } catch (err) {
      if (err instanceof UploadTooLargeError) return tooLarge(reply, err.limitMb);
      throw err;
    }
  }

  async function newFolder(request: Req, reply: FastifyReply, loc: DriveLocation) {
    return submitOnce(request, reply, () => urlOf(loc), async (once) => {
      const result = await createFolder(app.db, request.viewer, targetOf(writable(loc)), loc.folder?.id ?? null, request.body?.name, once);
      if (!result.ok) return renderDrive(request, reply, loc, { errors: result.errors, values: formValues(request.body) }, 422);
      request.session.set('flash', { kind: 'success', message: t('files.folder.created', { name: result.value.name }) });
      return reply.redirect(urlOf(loc), 303);
    });
  }

  app.post('/groups/:id/files', uploadRoute, async (request: Req, reply) => upload(request, reply, await writeLocation(request)));
  app.post('/files', uploadRoute, async (request: Req, reply) => upload(request, reply, myDriveLocation(request)));
  app.post('/folders/:id/files', uploadRoute, async (request: Req, reply) => upload(request, reply, await folderLocation(request)));

  app.post('/groups/:id/folders', signedIn, async (request: Req, reply) => newFolder(request, reply, await writeLocation(request)));
  app.post('/files/folders', signedIn, async (request: Req, reply) => newFolder(request, reply, myDriveLocation(request)));
  app.post('/folders/:id/folders', signedIn, async (request: Req, reply) => newFolder(request, reply, await folderLocation(request)));
}
