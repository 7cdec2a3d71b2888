import type { FastifyReply, FastifyRequest } from 'fastify';
import { User } from '../../models/user.js';
import { activeUserById } from '../../services/login.js';
import { getSignInSettings } from '../../services/sign-in/settings.js';

export type SignInMethod = 'local' | 'ldap' | 'oidc';

interface PendingSignIn {
  userId: number;
  next: string;
  mustEnrol: boolean;
  at: number;
}

declare module 'fastify' {
  interface Session {
    /** A password was right; the second factor (or its set-up) is still to come. */
    pendingSignIn?: PendingSignIn;
    signInMethod?: SignInMethod;
    /** Kept for the provider's sign-out (RP-initiated logout's id_token_hint). */
    oidcIdToken?: string;
  }
}

const PENDING_MS = 10 * 60 * 1000;

/** Whether the settings require a second factor of this account (R-A2). */
export async function secondFactorRequirement(): Promise<(user: Pick<User, 'isAdmin' | 'isExtranet'>) => boolean> {
  const s = await getSignInSettings();
  return (user) => (user.isAdmin && s.totpRequiredAdmins) || (user.isExtranet && s.totpRequiredExternal);
}

/** Whether a local sign-in goes on to a second factor, by the person's own choice or the settings'. */
async function secondFactorRule(user: User): Promise<'none' | 'verify' | 'enrol'> {
  if (user.totpEnabledAt) return 'verify';
  return (await secondFactorRequirement())(user) ? 'enrol' : 'none';
}

/**
 * The one way a sign-in ends. A new session id every time (no fixation); a local password is
 * followed by the second factor where one applies. The directory and the provider prove the
 * person themselves, so their sign-ins are complete here.
 */
export async function finishSignIn(request: FastifyRequest, reply: FastifyReply, user: User, next: string, method: SignInMethod, extra: { oidcIdToken?: string } = {}): Promise<FastifyReply> {
  await request.session.regenerate();
  if (method === 'local') {
    const rule = await secondFactorRule(user);
    if (rule !== 'none') {
      request.session.set('pendingSignIn', { userId: user.id, next, mustEnrol: rule === 'enrol', at: Date.now() });
      return reply.redirect(rule === 'enrol' ? '/login/two-factor/setup' : '/login/two-factor', 303);
    }
  }
  return signInNow(request, reply, user.id, next, method, extra);
}

/** Marks the session signed in, under a fresh id. */
export async function startSession(request: FastifyRequest, userId: number, method: SignInMethod, extra: { oidcIdToken?: string } = {}): Promise<void> {
  await request.session.regenerate();
  request.session.set('userId', userId);
  request.session.set('adminMode', false);
  request.session.set('signInMethod', method);
  if (extra.oidcIdToken) request.session.set('oidcIdToken', extra.oidcIdToken);
}

export async function signInNow(request: FastifyRequest, reply: FastifyReply, userId: number, next: string, method: SignInMethod, extra: { oidcIdToken?: string } = {}): Promise<FastifyReply> {
  await startSession(request, userId, method, extra);
  return reply.redirect(next, 303);
}

/** The person whose password was right a moment ago, still active; null once expired or gone. */
export async function pendingSignIn(request: FastifyRequest): Promise<{ user: User; pending: PendingSignIn } | null> {
  const pending = request.session.get('pendingSignIn');
  if (!pending || typeof pending.userId !== 'number' || Date.now() - pending.at > PENDING_MS) return null;
  const user = await activeUserById(pending.userId);
  return user ? { user, pending } : null;
}
