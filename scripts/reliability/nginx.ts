import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { send } from './client.js';
import { root, sleep } from './server.js';

export interface Nginx {
  http: string;
  https: string;
  stop(): Promise<void>;
}

/**
 * Runs Debian's nginx in the foreground with deploy/nginx.conf as shipped, only the ports, the
 * upstream processes and the certificate swapped, plus a header naming the upstream that answered.
 */
export async function startNginx(dir: string, ports: { http: number; https: number; upstreams: number[] }): Promise<Nginx> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const cert = path.join(dir, 'atrium.crt');
  const key = path.join(dir, 'atrium.key');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (ssl.status !== 0) throw new Error(`openssl failed: ${ssl.stderr}`);

  const shipped = readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
  const upstreamLines = ports.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  let site = shipped
    .replace(/( {4}server 127\.0\.0\.1:\d+ [^\n]*\n)+/, `${upstreamLines}\n`)
    .replace(/ {4}listen \[::\][^\n]*\n/g, '')
    .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`)
    .replace('/etc/ssl/certs/atrium.crt', cert)
    .replace('/etc/ssl/private/atrium.key', key)
    .replace('location / {\n        proxy_pass http://atrium;', 'location / {\n        proxy_pass http://atrium;\n        add_header X-Test-Upstream $upstream_addr always;');
  if (!site.includes(`listen 127.0.0.1:${ports.https}`) || !site.includes('X-Test-Upstream') || !site.includes(`127.0.0.1:${ports.upstreams[1]}`)) {
    throw new Error('deploy/nginx.conf no longer has the shape the test rewrites (listen 80, listen 443 ssl http2, upstream servers, location /)');
  }
  const sitePath = path.join(dir, 'atrium.conf');
  writeFileSync(sitePath, site);
  const main = `daemon off;
worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${sitePath};
}
`;
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, main);
  const test = spawnSync('nginx', ['-t', '-c', conf, '-p', dir], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr}`);

  const proc: ChildProcess = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const https = `https://127.0.0.1:${ports.https}`;
  for (let i = 0; ; i++) {
    if ((await send(`${https}/healthz`).then((r) => r.status, () => 0)) === 200) break;
    if (i > 100) {
      proc.kill('SIGKILL');
      throw new Error(`nginx did not come up: ${err}`);
    }
    await sleep(100);
  }
  return {
    http: `http://127.0.0.1:${ports.http}`,
    https,
    async stop() {
      proc.kill('SIGQUIT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
