// The web console in a real Chromium (Debian's, through playwright-core) against a real
// 3-member cluster and operator: logging in with the URL `warden console` prints (once), the
// overview with every member and the leader, a member stopped turning unhealthy on the page
// without a reload, "Back up now" with its confirmation, events arriving live and filtered, a
// viewer without action controls whose call to an action is refused, and no serious
// accessibility violation (axe-core).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { encryptionConfigFile } from '../../src/encryption/store.ts';
import { launchBrowser, newContext, pageErrors, withScreenshot } from '../helpers/browser.ts';
import { Background, etcdctl, startCluster, tempDir, waitUntil, type TestCluster } from '../helpers/warden.ts';

const require = createRequire(import.meta.url);

/** A login URL from `warden console`, once the operator has published where it serves. */
async function loginUrl(c: TestCluster, role: string): Promise<string> {
  return waitUntil(`warden console --role ${role}`, async () => {
    const r = await c.run(['console', '--role', role, '--name', `tester-${role}`]);
    return r.code === 0 ? r.stdout.trim() : undefined;
  });
}

describe('web console', () => {
  it('logs in once with the console URL; shows every member and the leader; a killed member turns unhealthy live; Back up now; a viewer gets no actions', async (t) => {
    const c = await startCluster(t);
    const backups = path.join(tempDir('console'), 'backups');
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', backups, '--revision-log'], {
      WARDEN_REVLOG_TUNING: JSON.stringify({ flushMs: 50, markMs: 200 }),
      WARDEN_HISTORY_INTERVAL_MS: '500',
    });
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/serving https:\/\/127\.0\.0\.1:\d+\/healthz/);
    await op.waitFor(/revision log: starting after backup \S+ at revision \d+/);
    const browser = await launchBrowser(t);

    // An operator logs in: the link leads to the overview, with every member healthy and the leader.
    const url = await loginUrl(c, 'operator');
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/login\?token=wdn_[A-Za-z0-9_-]+$/);
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const errors = pageErrors(page);
    await withScreenshot(page, 'console-overview', async () => {
      await page.goto(url);
      assert.equal(new URL(page.url()).pathname, '/', 'the login redirects to the overview');
      const cookie = (await ctx.cookies()).find((k) => k.name === 'warden_session');
      assert.ok(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict', `session cookie: ${JSON.stringify(cookie)}`);
      await page.waitForSelector('tr[data-member="etcd-3"]');
      assert.deepEqual(await page.$$eval('tr[data-member]', (rows) => rows.map((r) => [r.getAttribute('data-member'), r.getAttribute('data-healthy')])),
        [['etcd-1', 'true'], ['etcd-2', 'true'], ['etcd-3', 'true']]);
      assert.equal(await page.locator('tr[data-member] .badge.leader').count(), 1, 'one leader');
      assert.match(await page.locator('[data-testid="verdict"]').innerText(), /3 of 3 members healthy/);
      assert.equal(await page.locator('[data-testid="role"]').innerText(), 'operator');
    });

    // The link works once.
    const again = await (await newContext(browser)).newPage();
    await again.goto(url);
    assert.match(await again.locator('main').innerText(), /already used, has expired/);
    assert.equal(await again.locator('tr[data-member]').count(), 0);

    // A follower killed (kill -9; its supervisor leaves it down, as a lost member would): unhealthy
    // on the page within 5 s, without a reload. (A leader killed adds etcd's election first.)
    await withScreenshot(page, 'console-member-down', async () => {
      const leader = await page.locator('tr[data-member]:has(.badge.leader)').getAttribute('data-member');
      const victim = ['etcd-3', 'etcd-2'].find((n) => n !== leader) as string;
      const pid = (await c.status()).find((m) => m.name === victim)?.pid;
      assert.ok(pid, `${victim} runs`);
      process.kill(pid, 'SIGKILL');
      const stoppedAt = Date.now();
      await page.waitForSelector(`tr[data-member="${victim}"][data-healthy="false"]`, { timeout: 5000 });
      assert.ok(Date.now() - stoppedAt <= 5000);
      assert.match(await page.locator('[data-testid="verdict"]').innerText(), /2 of 3 members healthy/);
      assert.equal((await c.run(['cluster', 'start-member', victim])).code, 0);
      await page.waitForSelector(`tr[data-member="${victim}"][data-healthy="true"]`, { timeout: 30_000 });
    });

    // Back up now: a confirmation that says what happens, then the set in the backup dir.
    await withScreenshot(page, 'console-backup', async () => {
      await page.click('button[data-action="backup"]');
      const dialog = page.locator('dialog[open]');
      assert.match(await dialog.innerText(), /Takes a backup set now/);
      await dialog.locator('button[data-confirm="yes"]').click();
      const status = page.locator('[data-testid="action-status"]');
      await waitUntil('the backup to finish on the page', async () => /succeeded|failed/.test(await status.innerText()) || undefined, 60_000);
      assert.match(await status.innerText(), /Back up now: succeeded \(backup \d{4}-\d{2}-\d{2}_\d{6}, revision \d+\)/);
      assert.equal(fs.readdirSync(backups).filter((f) => /^snapshot_.*\.db$/.test(f)).length, 2, 'the revision log\'s first set, and this one');
    });

    // History: the samples the leading operator keeps, drawn.
    await withScreenshot(page, 'console-history', async () => {
      await page.click('a[data-tab="history"]');
      await page.waitForSelector('[data-testid="samples"]');
      assert.match(await page.locator('[data-testid="samples"]').innerText(), /^\d+ samples, the last 24 hours$/);
      assert.deepEqual(await page.$$eval('figure.chart', (f) => f.map((x) => x.getAttribute('data-chart'))), ['DB size', 'In use', 'Fragmentation', 'Write rate']);
      assert.equal(await page.locator('figure.chart canvas').count(), 4, 'four charts drawn');
    });

    // Backups: both sets on the timeline and in the table, the window the log covers, and the
    // exact command that restores a chosen set or time.
    await withScreenshot(page, 'console-backups', async () => {
      await page.click('a[data-tab="backups"]');
      await page.waitForSelector('tr[data-set]');
      const sets = fs.readdirSync(backups).flatMap((f) => /^snapshot_(.*)\.db$/.exec(f)?.[1] ?? []).sort().reverse();
      assert.deepEqual(await page.$$eval('tr[data-set]', (rows) => rows.map((r) => r.getAttribute('data-set'))), sets);
      assert.equal(await page.locator('svg.timeline circle.set').count(), 2);
      assert.match(await page.locator('[data-testid="pit-window"]').first().innerText(), /revisions \d+ to \d+/);
      await page.click(`button[data-restore="${sets[1]}"]`);
      assert.equal(await page.locator('[data-testid="restore-command"] pre code').innerText(), `warden restore ${backups} --timestamp ${sets[1]}`);
      await page.fill('input[data-testid="pit-time"]', '2026-12-01T17:05:00');
      assert.match(await page.locator('[data-testid="pit-command"] code').innerText(), new RegExp(`^warden restore ${backups.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --to-time \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$`));
    });
    const audit = await c.run(['audit', '-w', 'json']);
    const entries = JSON.parse(audit.stdout) as { actor: { kind: string; name: string }; action: string; outcome: string }[];
    assert.ok(entries.some((e) => e.actor.kind === 'console' && e.actor.name === 'tester-operator' && e.action === 'POST /apis/warden.io/v1/actions/backup' && e.outcome === 'succeeded'),
      `the action is in the audit trail as the console user: ${audit.stdout.slice(-600)}`);
    // Events, live: one recorded in etcd shows on the page without a reload; the filters work.
    await withScreenshot(page, 'console-events', async () => {
      await page.click('a[data-tab="events"]');
      await page.waitForSelector('[data-testid="stream-state"]:has-text("live")');
      const eps = await c.endpoints();
      const event = (reason: string, type: string) => JSON.stringify({ time: new Date().toISOString(), type, reason, message: `a test event ${reason}`, source: 'console-test' });
      assert.equal((await etcdctl(['--endpoints', eps, 'put', `/warden/events/${new Date().toISOString()}-test-000001`, event('ConsoleTestNormal', 'Normal')])).code, 0);
      assert.equal((await etcdctl(['--endpoints', eps, 'put', `/warden/events/${new Date().toISOString()}-test-000002`, event('ConsoleTestWarning', 'Warning')])).code, 0);
      await page.waitForSelector('tr[data-reason="ConsoleTestWarning"]', { timeout: 5000 });
      assert.equal(await page.locator('tr[data-reason="ConsoleTestNormal"]').count(), 1);
      await page.selectOption('select[data-filter="type"]', 'Warning');
      assert.equal(await page.locator('tr[data-reason="ConsoleTestNormal"]').count(), 0, 'the type filter hides Normal events');
      assert.equal(await page.locator('tr[data-reason="ConsoleTestWarning"]').count(), 1);
      await page.selectOption('select[data-filter="type"]', '');
      await page.fill('input[data-filter="text"]', 'ConsoleTestNormal');
      assert.deepEqual(await page.$$eval('tbody tr[data-reason]', (rows) => rows.map((r) => r.getAttribute('data-reason'))), ['ConsoleTestNormal']);
    });
    assert.deepEqual(errors, [], 'no error in the page');

    // A viewer: the same overview, no action control, and the API refuses the action.
    const viewer = await (await newContext(browser)).newPage();
    await withScreenshot(viewer, 'console-viewer', async () => {
      await viewer.goto(await loginUrl(c, 'viewer'));
      await viewer.waitForSelector('tr[data-member="etcd-1"]');
      assert.equal(await viewer.locator('[data-testid="role"]').innerText(), 'viewer');
      assert.equal(await viewer.locator('button[data-action]').count(), 0, 'no action controls for a viewer');
      const status = await viewer.evaluate(async () => (await fetch('/apis/warden.io/v1/actions/backup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
      assert.equal(status, 403);
    });

    // No serious accessibility violation (axe-core, injected where the page's CSP is bypassed).
    const a11y = await (await newContext(browser, { bypassCSP: true })).newPage();
    await withScreenshot(a11y, 'console-a11y', async () => {
      await a11y.goto(await loginUrl(c, 'operator'));
      await a11y.waitForSelector('tr[data-member="etcd-1"]');
      await a11y.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const serious = () => a11y.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }).axe.run();
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} nodes`);
      });
      assert.deepEqual(await serious(), [], 'overview');
      await a11y.click('a[data-tab="events"]');
      await a11y.waitForSelector('tr[data-reason]');
      assert.deepEqual(await serious(), [], 'events');
      await a11y.click('a[data-tab="backups"]');
      await a11y.waitForSelector('tr[data-set]');
      assert.deepEqual(await serious(), [], 'backups');
      await a11y.click('a[data-tab="history"]');
      await a11y.waitForSelector('[data-testid="samples"]');
      assert.deepEqual(await serious(), [], 'history');
      await a11y.click('a[data-tab="encryption"]');
      await a11y.waitForSelector('[data-testid="enc-mode"]');
      assert.deepEqual(await serious(), [], 'encryption');
    });

    // The operator restarted (a new process, a new port): the session and the history are in etcd,
    // so the same browser is still logged in and the samples taken before are still there.
    let page2 = page;
    await withScreenshot(page, 'console-operator-restart', async () => {
      await page.click('a[data-tab="history"]');
      const before = Number(/^(\d+) samples/.exec(await page.locator('[data-testid="samples"]').innerText())?.[1]);
      op.kill('SIGKILL');
      await op.exited();
      const op2 = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--backup-dir', backups], { WARDEN_HISTORY_INTERVAL_MS: '500' });
      t.after(() => op2.kill('SIGKILL'));
      const url2 = (await op2.waitFor(/serving (https:\/\/127\.0\.0\.1:\d+)\/healthz/))[1] as string;
      page2 = await ctx.newPage();
      await page2.goto(`${url2}/#history`);
      const samples = page2.locator('[data-testid="samples"]');
      await samples.waitFor();
      assert.ok(Number(/^(\d+) samples/.exec(await samples.innerText())?.[1]) >= before, 'the history kept across the restart');
      await page2.click('a[data-tab="overview"]');
      await page2.waitForSelector('tr[data-member="etcd-1"]');
    });

    // Quorum lost (two members killed): the console still opens with the session (read from the
    // member it reaches) and says so.
    await withScreenshot(page2, 'console-quorum-lost', async () => {
      for (const m of (await c.status()).filter((x) => x.name !== 'etcd-1' && x.pid)) process.kill(m.pid as number, 'SIGKILL');
      await page2.reload();
      await page2.locator('[data-testid="verdict"]:has-text("QUORUM LOST")').waitFor({ timeout: 60_000 });
    });

    // Log out: the session ends (the next page load is the login page), and the cookie goes.
    await withScreenshot(page2, 'console-logout', async () => {
      await page2.click('a[data-tab="overview"]');
      await Promise.all([page2.waitForEvent('load'), page2.click('button:has-text("Log out")')]);
      assert.match(await page2.locator('main').innerText(), /You are not logged in/);
      assert.equal((await ctx.cookies()).filter((k) => k.name === 'warden_session').length, 0);
      assert.equal((await ctx.request.get(`${new URL(page2.url()).origin}/apis/warden.io/v1/console/overview`)).status(), 401);
    });
  });

  it('follows an aesgcm migration to completed: running on the overview with its progress, the keys by name with their times, progress per resource, a scan that finds no plaintext', async (t) => {
    const c = await startCluster(t);
    // A throttled migration (10 objects/s): long enough to watch it run.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--migration-rate', '10']);
    t.after(() => op.kill('SIGKILL'));
    await op.waitFor(/serving https:\/\/127\.0\.0\.1:\d+\/healthz/);
    const eps = await c.endpoints();
    // Stored as kube-apiserver stores them without encryption: plaintext under /kubernetes.io/secrets/.
    await Promise.all(Array.from({ length: 30 }, (_, i) => etcdctl(['--endpoints', eps, 'put', `/kubernetes.io/secrets/ns-${i % 3}/s-${i}`, `{"kind":"Secret","data":{"k":"${i}"}}`])));
    const browser = await launchBrowser(t);
    const page = await (await newContext(browser)).newPage();
    const errors = pageErrors(page);
    await withScreenshot(page, 'console-encryption', async () => {
      await page.goto(await loginUrl(c, 'operator'));
      await page.click('a[data-tab="encryption"]');
      await page.waitForSelector('[data-testid="enc-mode"]');
      assert.equal(await page.locator('[data-testid="enc-mode"]').innerText(), 'identity');
      // A scan before: the plaintext secrets are found.
      await page.click('button[data-action="scan"]');
      await page.waitForSelector('[data-testid="scan-result"]:has-text("plaintext values in secrets (30)")', { timeout: 30_000 });

      assert.equal((await c.run(['encryption', 'enable', '--type', 'aesgcm'])).code, 0);
      // The overview shows it running, with its progress.
      await page.click('a[data-tab="overview"]');
      const running = page.locator('li[data-running="migration"]');
      await running.waitFor({ timeout: 30_000 });
      assert.match(await running.innerText(), /encryption migration to aesgcm:\S+[\s\S]*\d+ of 30 objects/);
      await page.locator('[data-testid="running-none"]').waitFor({ timeout: 60_000 });
      await page.click('a[data-tab="encryption"]');
      await page.waitForSelector('[data-testid="enc-reason"]:has-text("EncryptionCompleted")', { timeout: 60_000 });
      assert.equal(await page.locator('[data-testid="enc-mode"]').innerText(), 'aesgcm');
      const key = page.locator('table.keys tbody tr');
      assert.equal(await key.count(), 1);
      const cells = await key.first().locator('td').allInnerTexts();
      assert.equal(cells[1], 'aesgcm');
      assert.equal(cells[2], 'write');
      assert.ok(cells[3] !== '—' && cells[4] !== '—', `created and promoted times: ${cells.join(' | ')}`);
      assert.match(await page.locator('tr[data-resource="secrets"]').innerText(), /30 \/ 30 \(100%\)/);
      // The key's secret (in the EncryptionConfiguration) is nowhere in the page or what it read.
      const secrets = [...fs.readFileSync(encryptionConfigFile(c.stateDir), 'utf8').matchAll(/secret:\s*(\S+)/g)].map((m) => m[1] as string);
      assert.equal(secrets.length, 1);
      const api = await page.evaluate(async () => (await fetch('/apis/warden.io/v1/console/encryption')).text());
      for (const secret of secrets) {
        assert.ok(!(await page.content()).includes(secret) && !api.includes(secret), 'no key material in the page');
      }
      await page.click('button[data-action="scan"]');
      await page.waitForSelector('[data-testid="scan-result"]:has-text("no plaintext value")', { timeout: 30_000 });
    });
    assert.deepEqual(errors, [], 'no error in the page');
  });
});
