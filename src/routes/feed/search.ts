import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { SEARCH_KINDS, searchAll, searchKind, type SearchKind } from '../../finders/search.js';
import { prefixQuery, SEARCH_MAX } from '../../lib/full-text.js';

type SearchRequest = FastifyRequest<{ Querystring: Record<string, string | string[] | undefined> }>;

/**
 * R-F6: one box over groups, tasks, posts, files and people, each read through its scope (R-X1).
 * All kinds at once, each capped with a "more" link; or one kind, paged by keyset.
 */
export default async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.get('/search', { config: { access: 'signed-in' } }, async (request: SearchRequest, reply) => {
    const rawQ = request.query.q;
    const kindParam = request.query.kind;
    const kind: SearchKind | null = typeof kindParam === 'string' && (SEARCH_KINDS as readonly string[]).includes(kindParam) ? (kindParam as SearchKind) : null;
    const base = { title: t('search.title'), kinds: SEARCH_KINDS, kind, results: null, page: null, searched: false };
    if (rawQ === undefined || rawQ === '') return reply.page('pages/search/index', { ...base, values: { q: '' } });
    if (typeof rawQ !== 'string' || rawQ.includes('\u0000') || [...rawQ].length > SEARCH_MAX) {
      const shown = typeof rawQ === 'string' ? rawQ.replaceAll('\u0000', '').slice(0, SEARCH_MAX) : '';
      return reply.page('pages/search/index', { ...base, values: { q: shown }, errors: [{ field: 'q', message: t('search.invalid', { max: SEARCH_MAX }) }] }, 400);
    }
    const tsquery = prefixQuery(rawQ);
    const values = { q: rawQ };
    if (!tsquery) return reply.page('pages/search/index', { ...base, values, searched: true, results: null });
    const q = encodeURIComponent(rawQ);
    if (kind) {
      const page = await searchKind(request.viewer, kind, tsquery, request.query.after);
      const isLater = typeof request.query.after === 'string' && request.query.after !== '';
      return reply.page('pages/search/index', { ...base, values, searched: true, page, baseUrl: `/search?q=${q}&kind=${kind}`, allUrl: `/search?q=${q}`, isLater });
    }
    const results = await searchAll(request.viewer, tsquery);
    return reply.page('pages/search/index', { ...base, values, searched: true, results, q });
  });
}
