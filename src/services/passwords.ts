import argon2 from 'argon2';

/** R-U2: argon2id, salted, with the library's tuned defaults. */
export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string | null, plain: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

// Verifying against this keeps response times alike whether or not the account exists.
let dummyHash: Promise<string> | null = null;
export function timingDecoy(plain: string): Promise<boolean> {
  dummyHash ??= hashPassword('decoy-password-never-valid');
  return dummyHash.then((h) => verifyPassword(h, plain)).then(() => false);
}
