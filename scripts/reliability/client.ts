import http from 'node:http';
import https from 'node:https';

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** No check may hang on a request nobody answers. */
const REQUEST_TIMEOUT_MS = 30_000;

/** One HTTP(S) request with Node's own client (self-signed TLS accepted: the test's nginx). */
export function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Response> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, { method: opts.method ?? 'GET', headers: opts.headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      // Cut off after the response began: not the same as a connection refused before it was read.
      res.on('error', () => reject(Object.assign(new Error('response cut off'), { code: 'ERESPONSECUT' })));
    });
    req.on('error', reject);
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    req.end(opts.body);
  });
}

/** A browser-like client: keeps its cookies (the session's, a signed-out visitor's form cookie) and the last CSRF token it saw; follows no redirects. */
export class Browser {
  private readonly jar = new Map<string, string>();
  csrf = '';
  /** The last Set-Cookie of the session cookie. */
  lastSetCookie = '';

  constructor(public base: string) {}

  /** The Cookie header this browser sends. */
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Takes over another browser's cookies (a Cookie header). */
  set cookie(header: string) {
    this.jar.clear();
    for (const pair of header.split(';')) {
      const [name, ...value] = pair.trim().split('=');
      if (name) this.jar.set(name, value.join('='));
    }
  }

  private remember(res: Response): Response {
    for (const set of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [, name = '', value = ''] = /^([^=]+)=([^;]*)/.exec(set) ?? [];
      if (!name) continue;
      if (name === 'atrium.sid') this.lastSetCookie = set;
      if (value) this.jar.set(name, value);
      else this.jar.delete(name);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /"x-csrf-token": "([^"]+)"/.exec(res.body);
    if (token?.[1]) this.csrf = token[1];
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.remember(await send(this.base + path, { headers: { cookie: this.cookie, ...headers } }));
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.remember(await send(this.base + path, { method: 'POST', body, headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers } }));
  }

  async login(email: string, password: string): Promise<Response> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}
