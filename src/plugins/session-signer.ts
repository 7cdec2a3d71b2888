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
    let signed = this.signed.get(value);
    if (signed === undefined) {
      signed = this.signer.sign(value);
      remember(this.signed, value, signed);
    }
    return signed;
  }

  unsign(input: string): UnsignResult {
    let result = this.checked.get(input);
    if (result === undefined) {
      result = this.signer.unsign(input);
      remember(this.checked, input, result);
    }
    return result;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= REMEMBERED) map.clear();
  map.set(key, value);
}
