// A journey in a text browser (issue 17): Lynx signs in, creates a task with a deadline, posts in a
// group and changes a task's status. Lynx runs no JavaScript and no CSS: it reads each page as the
// server sent it, fills a form's fields (its hidden ones included, as Lynx would send them) and
// submits it with -post_data; what it shows (-dump) is checked. Each call is bounded in time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tally } from './checks.js';

const lynxPath = '/usr/bin/lynx';

class Lynx {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'atrium-lynx-'));
  private readonly cfg = path.join(this.dir, 'lynx.cfg');

  constructor(private readonly base: string) {
    const jar = path.join(this.dir, 'cookies');
    writeFileSync(this.cfg, ['INCLUDE:/etc/lynx/lynx.cfg', 'PERSISTENT_COOKIES:TRUE', 'ACCEPT_ALL_COOKIES:TRUE', `COOKIE_FILE:${jar}`, `COOKIE_SAVE_FILE:${jar}`, ''].join('\n'));
  }

  private run(args: string[], input?: string): string {
    return execFileSync(lynxPath, [`-cfg=${this.cfg}`, '-nolist', '-width=100', ...args], { input, encoding: 'utf8', timeout: 20_000, stdio: ['pipe', 'pipe', 'ignore'] });
  }

  /** The page as the text browser shows it. */
  show(url: string): string {
    return this.run(['-dump', `${this.base}${url}`]);
  }

  /** Fills the form whose action is `action` on the page at `url` and submits it: the page shown after, and its source. */
  submit(url: string, action: string, fields: Record<string, string>): { text: string; html: string } {
    const html = this.run(['-source', `${this.base}${url}`]);
    const form = new RegExp(`<form[^>]*action="${action.replace(/[?]/g, '\\?')}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
    if (form === undefined) throw new Error(`no form for ${action} on ${url}`);
    const hidden = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&')]);
    const body = new URLSearchParams([...hidden, ...Object.entries(fields)]).toString();
    const after = this.run(['-source', '-post_data', `${this.base}${action}`], `${body}\n---\n`);
    return { html: after, text: this.run(['-dump', '-stdin'], after) };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function textBrowserJourney(base: string, tally: Tally): Promise<void> {
  console.log('# text browser (Lynx, no JavaScript, no CSS)');
  const lynx = new Lynx(base);
  try {
    const signedIn = lynx.submit('/login', '/login', { email: 'oscar@example.com', password: 'atrium-demo-1' }).text;
    tally.ok(/Signed in as\s+Oscar Owner/.test(signedIn), 'Lynx: signs in');

    const title = `Text-browser task ${Date.now()}`;
    const task = lynx.submit('/tasks/new', '/tasks', { group: '', title, deadline: '2027-03-15', responsible: 'oscar@example.com' });
    tally.ok(task.text.includes(title) && /Mar 15, 2027/.test(task.text), 'Lynx: creates a task with a deadline');
    tally.ok(/Status: Pending/.test(task.text), 'Lynx: the task page shows its status');
    const id = /action="\/tasks\/(\d+)\/status"/.exec(task.html)?.[1];
    const changed = id ? lynx.submit(`/tasks/${id}`, `/tasks/${id}/status`, { status: 'completed' }).text : '';
    tally.ok(/Status: Completed/.test(changed), 'Lynx: changes the task\'s status');

    const groups = lynx.show('/groups');
    tally.ok(/Website relaunch/.test(groups), 'Lynx: lists the groups');
    const text = `Written in Lynx ${Date.now()}`;
    const home = lynx.submit('/groups/1', '/groups/1/posts', { kind: 'post', body: text, notify: '' }).text;
    tally.ok(home.includes(text), 'Lynx: posts in a group and sees the post');
    tally.ok(home.indexOf(text) < home.indexOf('Notifications from this group'), 'Lynx: the feed comes before the notification switch');
  } catch (err) {
    tally.ok(false, `Lynx journey stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    lynx.close();
  }
}
