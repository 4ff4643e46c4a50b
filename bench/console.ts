// The web console in Debian's chromium (playwright-core), against a real 3-member cluster and
// `warden operator` in its own process (issue 15):
// - first render of the overview after navigation (in the browser: from the navigation's start to
//   the members' rows on the page), target <= 1 s; beside it, the same browser loading a bare
//   page from the same server (TLS, the guard, the session check), the floor of any page there;
// - an event recorded in etcd appearing on the page (server-sent events from a watch), p95 over
//   50 events, target <= 1 s; beside it, a bare etcd watch in this process seeing the same puts,
//   the floor of the way the event travels.
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { EtcdClient } from '../src/etcd/client.ts';
import { report, startCluster } from './helpers.ts';

const WARDEN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] as number;

async function main(): Promise<void> {
  const cluster = startCluster(3);
  const op = spawn(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'operator', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => op.kill('SIGKILL'));
  let out = '';
  op.stdout.on('data', (d: Buffer) => (out += d.toString()));
  op.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the operator did not start: ${out.slice(-400)}`)), 60_000);
    const check = setInterval(() => {
      const m = /serving (https:\/\/\S+)\/healthz/.exec(out);
      if (m) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    }, 50);
  });
  const client = new EtcdClient({ endpoints: cluster.endpoints });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    // Logged in once (the cookie then serves every page of this context).
    let login = '';
    for (let i = 0; i < 100 && !login; i++) {
      try {
        login = execFileSync(process.execPath, [WARDEN, '--state-dir', cluster.stateDir, 'console', '--role', 'viewer'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const first = await ctx.newPage();
    await first.goto(login);
    await first.waitForSelector('tr[data-member]');
    await first.close();

    // First render, 7 times, each in a fresh page (the bundle cached by its ETag, as on a revisit).
    const render: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 7; i++) {
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      await page.waitForFunction(() => document.querySelector('tr[data-member]') !== null, undefined, { polling: 'raf', timeout: 30_000 });
      render.push(await page.evaluate(() => performance.now()));
      // A bare page from the same server: the navigation alone (TLS, guard, session), loaded.
      await page.goto(`${base}/healthz`);
      floor.push(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return nav.responseEnd - nav.startTime;
      }));
      await page.close();
    }
    report('console first render (median ms / 1000 ms)', median(render) / 1000, '<=1',
      `median ${median(render).toFixed(0)} ms, max ${Math.max(...render).toFixed(0)} ms; a bare page from the same server ${median(floor).toFixed(0)} ms (${(median(render) / median(floor)).toFixed(1)}x)`);

    // Events: 50 puts, 150 ms apart; when each shows on the page, and when a bare watch sees it.
    const page = await ctx.newPage();
    await page.goto(`${base}/#events`);
    await page.waitForSelector('[data-testid="stream-state"]:has-text("live")');
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      new MutationObserver(() => {
        for (const tr of document.querySelectorAll('tr[data-reason^="Bench"]')) {
          const r = tr.getAttribute('data-reason') as string;
          seen[r] ??= Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const watched: Record<string, number> = {};
    const watcher = client.watch('/warden/events/', { prefix: true }, (events) => {
      const now = Date.now();
      for (const e of events) {
        const m = /"reason":"(Bench\d+)"/.exec(e.kv.value.toString('utf8'));
        if (m) watched[m[1] as string] ??= now;
      }
    });
    await watcher.created;
    const sent: Record<string, number> = {};
    for (let i = 0; i < 50; i++) {
      const reason = `Bench${i}`;
      const t = new Date();
      sent[reason] = t.getTime();
      await client.put(`/warden/events/${t.toISOString()}-bench-${String(i).padStart(6, '0')}`, JSON.stringify({ time: t.toISOString(), type: 'Normal', reason, message: `event ${i}`, source: 'bench' }));
      await new Promise((r) => setTimeout(r, 150));
    }
    const deadline = Date.now() + 10_000;
    let seen: Record<string, number> = {};
    while (Date.now() < deadline) {
      seen = await page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
      if (Object.keys(seen).length >= 50) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    watcher.cancel();
    const reasons = Object.keys(sent);
    const onPage = reasons.map((r) => (seen[r] ?? Infinity) - (sent[r] as number));
    const onWatch = reasons.map((r) => (watched[r] ?? Infinity) - (sent[r] as number));
    report('console event on the page (p95 ms / 1000 ms)', p95(onPage) / 1000, '<=1',
      `p95 ${p95(onPage)} ms, median ${median(onPage)} ms over ${reasons.length} events (${Object.keys(seen).length} arrived); a bare etcd watch: p95 ${p95(onWatch)} ms (the page ${(p95(onPage) / Math.max(1, p95(onWatch))).toFixed(1)}x it)`);
  } finally {
    await browser.close();
    client.close();
    op.kill('SIGTERM');
    cluster.stop();
  }
}

await main();
