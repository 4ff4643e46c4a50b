// A real browser for the console's tests: Debian's chromium (installed by scripts/ensure-deps.mjs
// --test), driven by playwright-core; never a downloaded browser. A page whose test fails leaves
// a screenshot in WARDEN_SCREENSHOTS (default: test-results/screenshots/ in the checkout).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = process.env.WARDEN_SCREENSHOTS ?? path.join(ROOT, 'test-results', 'screenshots');

function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: run `node scripts/ensure-deps.mjs --test` (it installs Debian\'s chromium package)');
  }
}

export async function launchBrowser(t: { after: (fn: () => Promise<void>) => void }): Promise<Browser> {
  // As root (CI) chromium needs --no-sandbox; /dev/shm can be small in containers.
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  t.after(() => browser.close());
  return browser;
}

/** A fresh context (its own cookies) that accepts the operator's certificate from the cluster CA. */
export function newContext(browser: Browser, opts: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, ...(opts.bypassCSP ? { bypassCSP: true } : {}) });
}

/** Runs `body` on `page`; when it fails, saves a screenshot named after `name` first. */
export async function withScreenshot<T>(page: Page, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name.replace(/[^a-z0-9-]+/gi, '-')}-${Date.now()}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    (err as Error).message += `\n(screenshot: ${file})`;
    throw err;
  }
}

/** Errors the page threw or logged: a test asserts there are none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}
