import { Signer, type UnsignResult } from '@fastify/cookie';

const REMEMBERED = 10_000;

/**
 * The session cookie's signer, remembering its answers. @fastify/session checks the cookie's HMAC on every
 * request and signs the session id again for every request's session object: two HMACs per page for the
 * same few strings. An answer depends only on the string and the secret, so it is kept (bounded); a string
 * never seen is checked in full, as before.
 */
export class RememberingSigner {
  private readonly signer: Signer;
  private readonly signed = new Map<string, string>();
  private readonly checked = new Map<string, UnsignResult>();

  constructor(secret: string) {
    this.signer = new Signer(secret);
  }

  sign(value: string): string {
    return remembered(this.signed, value, () => this.signer.sign(value));
  }

  unsign(input: string): UnsignResult {
    return remembered(this.checked, input, () => this.signer.unsign(input));
  }
}

/** The answer kept for `key`, or `answer()`'s, kept. */
function remembered<V>(map: Map<string, V>, key: string, answer: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = answer();
    if (map.size >= REMEMBERED) map.clear();
    map.set(key, value);
  }
  return value;
}
