// Issue 16: the session cookie's signer remembers its answers; it must answer exactly as @fastify/cookie's Signer does.
import { Signer } from '@fastify/cookie';
import t from 'tap';
import { RememberingSigner } from '../../src/plugins/session-signer.js';

t.test('the remembering signer answers as the signer does, again and again', async (t) => {
  const secret = 'a'.repeat(40);
  const plain = new Signer(secret);
  const remembering = new RememberingSigner(secret);
  const other = new RememberingSigner('b'.repeat(40));
  const signed = remembering.sign('session-id-1');
  t.equal(signed, plain.sign('session-id-1'), 'the same signature');
  t.equal(remembering.sign('session-id-1'), signed, 'and again');
  const tampered = signed.slice(0, -2) + (signed.endsWith('A') ? 'BB' : 'AA');
  const forged = `session-id-2${signed.slice(signed.lastIndexOf('.'))}`;
  for (let round = 0; round < 2; round++) {
    t.same(remembering.unsign(signed), { valid: true, renew: false, value: 'session-id-1' }, `round ${round}: a good cookie`);
    t.same(remembering.unsign(tampered), plain.unsign(tampered), `round ${round}: a tampered signature`);
    t.equal(remembering.unsign(tampered).valid, false);
    t.equal(remembering.unsign(forged).valid, false, `round ${round}: another id with this signature`);
    t.equal(other.unsign(signed).valid, false, `round ${round}: another secret`);
    t.equal(remembering.unsign('no-signature').valid, false, `round ${round}: no signature at all`);
  }
});
