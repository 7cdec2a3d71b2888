import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FieldError, FormResult } from '../lib/forms.js';
import { PollOption, Post } from '../models/post.js';
import { can } from '../policy/abilities.js';
import type { FeedTarget } from '../policy/feed-scopes.js';
import { findVisibleGroup, usersVisibleTo } from '../policy/scopes.js';
import type { SignedInViewer, Viewer } from '../policy/viewer.js';
import { notify } from './notifications.js';
import { mentionReadersOf, resolveMentions } from './mentions.js';
import { parseAppreciationForm, parsePostForm } from './post-form.js';
import { recordSubmission, type Submission } from './submissions.js';

/** Where a post goes, as the form names it: a group id, or "all" (all employees). */
export type PostDestination = { groupId: number } | { groupId: null };

/** A refusal inside the transaction: rolls it back and comes out as field errors. */
class Refused extends Error {
  constructor(readonly errors: FieldError[]) {
    super('refused');
  }
}

/**
 * The target as the viewer meets it. `strict` (the group's own URL): a group the viewer may not
 * read is a 404 (R-X1), one it may not post to a 403. Otherwise (a choice in a form) both are the
 * same field error, so the form tells nothing about groups the viewer cannot see.
 */
async function resolveTarget(trx: Knex.Transaction, viewer: SignedInViewer, dest: PostDestination, strict: boolean): Promise<FeedTarget> {
  if (dest.groupId === null) {
    const target: FeedTarget = { groupId: null, role: null, toolOn: true, archived: false };
    if (!can(viewer, 'post:create', target)) throw strict ? new NotFoundError() : new Refused([{ field: 'target', message: t('feed.form.targetInvalid') }]);
    return target;
  }
  const ctx = await findVisibleGroup(viewer, dest.groupId, trx);
  const readable = ctx && can(viewer, 'group:read-content', ctx) && ctx.group.tools.includes('feed');
  const target: FeedTarget | null = ctx ? { groupId: ctx.group.id, role: ctx.role, toolOn: ctx.group.tools.includes('feed'), archived: ctx.group.archivedAt !== null } : null;
  if (!readable || !target) throw strict ? new NotFoundError() : new Refused([{ field: 'target', message: t('feed.form.targetInvalid') }]);
  if (!can(viewer, 'post:create', target)) {
    if (strict) throw new ForbiddenError(target.archived ? t('groups.archivedBanner') : '');
    throw new Refused([{ field: 'target', message: t('feed.form.targetInvalid') }]);
  }
  return target;
}

/**
 * R-F1, R-X5: a post or a poll, to a group the viewer may post in or (employees) to all employees;
 * the people it @-mentions are told (R-F5) in the same transaction.
 */
export async function createPost(db: Knex, viewer: Viewer, dest: PostDestination, body: unknown, opts: { strict: boolean }, once: Submission<Post> | null = null): Promise<FormResult<Post>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const parsed = parsePostForm(body);
  try {
    return await db.transaction(async (trx) => {
      const target = await resolveTarget(trx, viewer, dest, opts.strict);
      if (!parsed.ok) return parsed;
      const input = parsed.value;
      const named = await resolveMentions(trx, viewer, mentionReadersOf(target.groupId), input.body, 'body');
      if (!named.ok) return named;
      const { text, mentions } = named.value;
      const post = await Post.query(trx).insertAndFetch({ groupId: target.groupId, authorId: viewer.id, kind: input.kind, body: text, mentions });
      if (input.options.length) await PollOption.query(trx).insert(input.options.map((label, i) => ({ postId: post.id, position: i + 1, label })));
      await notify(trx, mentions.map((m) => ({ userId: m.id, kind: 'mention' as const, actorId: viewer.id, groupId: target.groupId, postId: post.id })));
      await recordSubmission(trx, once, post);
      return { ok: true, value: post };
    });
  } catch (err) {
    if (err instanceof Refused) return { ok: false, errors: parsed.ok ? err.errors : [...err.errors, ...parsed.errors] };
    throw err;
  }
}

/** R-F1, R-X5: an employee thanks an active colleague publicly; the colleague is told (R-F5). */
export async function createAppreciation(db: Knex, viewer: Viewer, body: unknown, once: Submission<Post> | null = null): Promise<FormResult<Post>> {
  if (!viewer.signedIn || viewer.isExtranet) throw new NotFoundError();
  const parsed = parseAppreciationForm(body);
  if (!parsed.ok) return parsed;
  return db.transaction(async (trx) => {
    const recipient = await usersVisibleTo(viewer).transacting(trx).whereRaw('lower(users.email) = ?', [parsed.value.recipient]).first();
    if (!recipient || !can(viewer, 'post:appreciate', recipient)) {
      const self = recipient?.id === viewer.id;
      return { ok: false, errors: [{ field: 'recipient', message: t(self ? 'feed.appreciation.self' : 'feed.appreciation.unknown') }] };
    }
    const post = await Post.query(trx).insertAndFetch({ groupId: null, authorId: viewer.id, kind: 'appreciation', body: parsed.value.message, appreciatedId: recipient.id });
    await notify(trx, [{ userId: recipient.id, kind: 'appreciation', actorId: viewer.id, postId: post.id }]);
    await recordSubmission(trx, once, post);
    return { ok: true, value: post };
  });
}
