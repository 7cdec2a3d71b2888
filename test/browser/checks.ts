import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import type { Browser, Page } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const axeSource = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const validator = new HtmlValidate({ extends: ['html-validate:standard'] });
/** The Nu HTML Checker from the vnu-jar package, run with Debian's Java (its own Java download is never approved). */
const vnuJar = path.join(root, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');

interface NuMessage {
  type: string;
  url?: string;
  lastLine?: number;
  message: string;
}

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

/** Counts results so the run can end with one "N passed, N failed" line. */
export class Tally {
  passed = 0;
  failed = 0;
  readonly failures: string[] = [];
  /** Page types (URL shapes) already checked with axe and the validator, per JS mode. */
  private checked = new Set<string>();
  private auditor: Page | null = null;
  /** Each page type's HTML, kept for one run of the Nu HTML Checker at the end. */
  private readonly nuDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-nu-'));
  private readonly nuFiles = new Map<string, string>();

  constructor(private readonly browser: Browser) {}

  /**
   * With JavaScript off, Playwright cannot evaluate in the page, so the page's HTML as the server
   * sent it is loaded into a second page, scripts blocked, and checked there.
   */
  private async pageToAudit(page: Page, jsEnabled: boolean): Promise<Page> {
    if (jsEnabled) return page;
    if (!this.auditor) {
      this.auditor = await (await this.browser.newContext()).newPage();
      await this.auditor.route('**/*.js', (route) => route.abort());
    }
    // Same origin as the app (its resources are Cross-Origin-Resource-Policy: same-origin).
    const origin = new URL(page.url()).origin;
    if (!this.auditor.url().startsWith(origin)) await this.auditor.goto(`${origin}/healthz`);
    await this.auditor.setContent(await page.content(), { waitUntil: 'load' });
    return this.auditor;
  }

  /** Its context was closed with the others after a journey. */
  forgetAuditor(): void {
    this.auditor = null;
  }

  ok(condition: boolean, what: string): void {
    if (condition) {
      this.passed++;
      console.log(`  ok - ${what}`);
    } else {
      this.failed++;
      this.failures.push(what);
      console.log(`  not ok - ${what}`);
    }
  }

  /**
   * axe-core at WCAG 2.2 A/AA and html-validate on each page type once per mode, plus
   * "no horizontal scrolling" at phone width (SPEC §7).
   */
  async audit(livePage: Page, mode: string): Promise<void> {
    const shape = `${mode} ${new URL(livePage.url()).pathname.replace(/\/\d+/g, '/:id').replace(/\/join\/[^/]+/, '/join/:token')}`;
    if (this.checked.has(shape)) return;
    this.checked.add(shape);
    const page = await this.pageToAudit(livePage, !mode.includes('no-JS'));
    await page.evaluate(axeSource);
    const axe = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })`)) as AxeResult;
    this.ok(axe.violations.length === 0, `axe: ${shape}${axe.violations.map((v) => ` [${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 2).join(', ')}]`).join('')}`);
    const html = await livePage.content();
    const file = path.join(this.nuDir, `page-${this.nuFiles.size + 1}.html`);
    writeFileSync(file, html);
    this.nuFiles.set(file, shape);
    const report = await validator.validateString(html);
    const messages = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} line ${m.line}: ${m.message}`));
    this.ok(report.valid, `html-validate: ${shape}${messages.slice(0, 3).map((m) => ` [${m}]`).join('')}`);
    const size = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    const scrolls = (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')) as boolean;
    this.ok(!scrolls, `no horizontal scrolling at 375 px: ${shape}`);
    if (size) await page.setViewportSize(size);
  }

  /** The Nu HTML Checker on every page type seen, in one Java run: 0 errors on each. */
  nuCheck(): void {
    const files = [...this.nuFiles.keys()];
    if (files.length === 0) return;
    const out = execFileSync('java', ['-jar', vnuJar, '--format', 'json', '--stdout', '--exit-zero-always', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const messages = (JSON.parse(out) as { messages: NuMessage[] }).messages.filter((m) => m.type === 'error');
    for (const [file, shape] of this.nuFiles) {
      const errors = messages.filter((m) => m.url !== undefined && m.url.endsWith(`/${path.basename(file)}`));
      this.ok(errors.length === 0, `Nu HTML Checker: ${shape}${errors.slice(0, 3).map((m) => ` [line ${m.lastLine}: ${m.message}]`).join('')}`);
    }
    rmSync(this.nuDir, { recursive: true, force: true });
  }
}
