import type { FastifyInstance } from 'fastify';
import { getSignInSettings } from '../../services/sign-in/settings.js';
import directorySignInRoutes from './directory.js';
import oidcSignInRoutes from './oidc.js';
import profileTwoFactorRoutes from './profile-two-factor.js';
import twoFactorSignInRoutes from './two-factor.js';

/** Which other ways to sign in the login page offers. */
export async function otherSignInMethods(): Promise<{ ldap: boolean; oidc: boolean }> {
  const s = await getSignInSettings();
  return { ldap: s.ldapEnabled, oidc: s.oidcEnabled };
}

/** Issue 19: company sign-in beside the local password (routes/auth.ts). */
export default async function signInRoutes(app: FastifyInstance): Promise<void> {
  await app.register(directorySignInRoutes);
  await app.register(oidcSignInRoutes);
  await app.register(twoFactorSignInRoutes);
  await app.register(profileTwoFactorRoutes);
}
