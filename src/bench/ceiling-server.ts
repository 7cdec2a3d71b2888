import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The benchmark's ceiling: a bare Fastify route answering with fixed HTML bytes from memory
 * (the My-tasks page as the app rendered it). Started by `npm run bench` as its own process.
 */
const file = process.env.CEILING_HTML;
const port = Number(process.env.CEILING_PORT ?? '3999');
if (!file) throw new Error('CEILING_HTML is not set');
const html = readFileSync(file);
const app = Fastify();
app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
app.get('/healthz', async () => 'ok');
await app.listen({ host: '127.0.0.1', port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
