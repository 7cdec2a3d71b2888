import type { FastifyReply, FastifyRequest } from 'fastify';
import { AlreadySubmitted, SUBMISSION_FIELD, firstAnswer, submissionFrom, type Submission } from '../services/submissions.js';

/**
 * Issue 15 item 7: a create route runs at most once per rendered form. The form's hidden token goes
 * to the service, which records it in the create's transaction with `target(created)`, where this
 * route sends the browser on success. The same form sent again (a retry after a connection reset,
 * a double click, a reload) answers that redirect without creating again, whether the first request
 * is long done (found here) or still running (the service waits for it and throws AlreadySubmitted).
 * A form without a token (a page rendered before tokens existed, a script) still creates: refusing
 * it would lose what the person typed, and it is no worse than before.
 */
export async function submitOnce<T>(request: FastifyRequest, reply: FastifyReply, target: (created: T) => string, create: (once: Submission<T> | null) => Promise<FastifyReply>): Promise<FastifyReply> {
  const viewer = request.viewer;
  const raw = (request.body as Record<string, unknown> | undefined)?.[SUBMISSION_FIELD];
  const once = viewer.signedIn ? submissionFrom(viewer.id, raw, target) : null;
  if (once) {
    const first = await firstAnswer(request.server.db, once);
    if (first !== undefined) return reply.seeOther(first);
  }
  try {
    return await create(once);
  } catch (err) {
    if (err instanceof AlreadySubmitted) return reply.seeOther(err.target);
    throw err;
  }
}
