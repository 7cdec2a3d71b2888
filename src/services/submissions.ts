import { randomFillSync } from 'node:crypto';
import type { Knex } from 'knex';
import { FormSubmission } from '../models/form-submission.js';
import { wroteRow } from './feed-events.js';

/** The hidden field of a create form (issue 15 item 7). */
export const SUBMISSION_FIELD = '_submission';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;
/** A page left open longer than this creates again when sent twice; the rows are small but not kept forever. */
const KEEP_DAYS = 2;

/** One create form's token, whose it is, and where the route answers a successful create. */
export interface Submission<T> {
  userId: number;
  token: string;
  target: (value: T) => string;
}

/** Thrown in a create's transaction when the same form was already answered: rolls the create back. */
export class AlreadySubmitted extends Error {
  constructor(readonly target: string) {
    super('form already submitted');
  }
}

/** Random bytes drawn in batches, each byte handed out once (what randomUUID does for its own). */
const randomPool = Buffer.alloc(16 * 256);
let poolOffset = randomPool.length;

/**
 * 128 random bits for each rendered create form; the server keeps nothing until the form comes back.
 * Drawn from a batch: randomBytes(16) on each call cost 2 us, and a group home renders a hundred forms.
 */
export function newSubmissionToken(): string {
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const token = randomPool.toString('base64url', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return token;
}

/** The form's token when it carries a well-formed one; none (an old page, a script) is no token. */
export function submissionFrom<T>(userId: number, raw: unknown, target: (value: T) => string): Submission<T> | null {
  return typeof raw === 'string' && TOKEN_SHAPE.test(raw) ? { userId, token: raw, target } : null;
}

/** Where the first create with this token redirected, if it is done. */
export async function firstAnswer(db: Knex, once: Submission<never>): Promise<string | undefined> {
  return (await FormSubmission.query(db).findById([once.userId, once.token]))?.target;
}

/**
 * Records the token in the create's own transaction, as its last step. The same token at once
 * waits here for the first transaction (primary key) and then finds its answer: the create
 * is rolled back with everything it set off, and the route answers the first redirect.
 */
export async function recordSubmission<T>(trx: Knex.Transaction, once: Submission<T> | null, value: T): Promise<void> {
  if (!once) return;
  const target = once.target(value);
  const written: unknown = await FormSubmission.query(trx).insert({ userId: once.userId, token: once.token, target }).onConflict(['userId', 'token']).ignore().returning('createdAt');
  if (wroteRow(written, 'createdAt')) return;
  const first = await FormSubmission.query(trx).findById([once.userId, once.token]);
  throw new AlreadySubmitted(first?.target ?? target);
}

/**
 * For a create refused by a unique index (a folder's name): if the same form was answered while this
 * one waited on that index, the answer is the first one's, not "the name is taken".
 */
export async function answeredMeanwhile(db: Knex, once: Submission<never> | null): Promise<void> {
  const first = once ? await firstAnswer(db, once) : undefined;
  if (first !== undefined) throw new AlreadySubmitted(first);
}

/** Forgets tokens older than KEEP_DAYS (maintenance). */
export async function pruneSubmissions(db: Knex): Promise<number> {
  return FormSubmission.query(db).where('createdAt', '<', new Date(Date.now() - KEEP_DAYS * 24 * 60 * 60 * 1000)).delete();
}
