import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const NUL = /\u0000/g;

/**
 * PostgreSQL text cannot hold NUL ("invalid byte sequence for encoding UTF8: 0x00"), and no form
 * field means one: it is dropped from every query parameter and form field once, here, before any
 * handler or service sees the input, so no field can turn it into a 500.
 */
export default fp(
  async function inputHygienePlugin(app: FastifyInstance) {
    app.addHook('preValidation', async (request) => {
      request.query = withoutNul(request.query);
      request.body = withoutNul(request.body);
    });
  },
  { name: 'input-hygiene' },
);

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(NUL, '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    // Parsed forms are plain objects, some with a prototype-less prototype (fast-querystring).
    const ctor: unknown = (value as { constructor?: unknown }).constructor;
    if (ctor !== undefined && ctor !== Object) return value;
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = withoutNul(v);
  }
  return value;
}
