import { Signer, type UnsignResult } from '@fastify/cookie';

const REMEMBERED = 10_000;

/**
 * The session cookie's signer, remembering its answers. @fastify/session checks the cookie's HMAC on every
 * request and signs the session id again for every request's session object: two HMACs per page for the
 * same few strings. An answer depends only on the string and the secret, so it is kept (bounded); a string
 * never seen is checked in full, as before.
 */
export class RememberingSigner {
  readonly sign: (value: string) => string;
  readonly unsign: (input: string) => UnsignResult;

  constructor(secret: string) {
    const signer = new Signer(secret);
    this.sign = remembering((value) => signer.sign(value));
    this.unsign = remembering((input) => signer.unsign(input));
  }
}

/** `answer`, with its answers kept for the last REMEMBERED strings asked (bounded): it must depend on the string alone. */
export function remembering<V>(answer: (key: string) => V): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let value = answers.get(key);
    if (value === undefined) {
      value = answer(key);
      if (answers.size >= REMEMBERED) answers.clear();
      answers.set(key, value);
    }
    return value;
  };
}
