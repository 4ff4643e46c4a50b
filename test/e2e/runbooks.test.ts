// The runbook guides (docs/runbooks/*.md) cannot drift from the code: every `warden` command line
// in them (and in the README's quick start) names subcommands and flags the CLI has, checked
// against its own --help; their links resolve; and the blocks marked runnable run, guide by
// guide, through the checkout's `./warden` script, printing what the guides show: on one real
// 3-member cluster (with a local S3 server, s3rver, for the bucket commands), or, for blocks
// fenced `cluster=NAME`, on a cluster of their own made as CLUSTERS says. The conventions are in
// docs/runbooks/README.md.
//
// WARDEN_GUIDES_CAPTURE=DIR writes what each runnable block printed to DIR/<guide>-<line>.txt
// (the line of the block's first command): the real output the guides' ```text output blocks are
// trimmed from.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  anchors, blockCommands, checkCommand, clusterOf, codeBlocks, isRunnable, linkTarget, matchOutput, parseHelp, relativeLinks, runsOf, sessionResult,
  sessionScript, type HelpSpec, type Run,
} from '../helpers/guides.ts';
import { startS3, S3RVER_ENV } from '../helpers/s3.ts';
import { cli, etcdctl, ROOT, startCluster, tempDir } from '../helpers/warden.ts';

const RUNBOOKS = path.join(ROOT, 'docs/runbooks');
const INDEX = path.join(RUNBOOKS, 'README.md');
const README = path.join(ROOT, 'README.md');
const COMMANDS = path.join(ROOT, 'docs/commands.md');

/**
 * The clusters runnable blocks run on: `warden cluster up` with these flags. `main` serves every
 * guide in turn; another one serves only the blocks fenced `cluster=NAME`, in their own test, so
 * that what they do (fill the database to its quota) touches no other guide.
 */
const CLUSTERS: Record<string, string[]> = {
  main: ['--members', '3'],
  'quota-4mib': ['--members', '3', '--etcd-arg=--quota-backend-bytes=4194304'],
};

/** The bucket the main cluster's sessions find on the local S3 server (AWS_ENDPOINT_URL). */
const BUCKET = 'backups';

const rel = (file: string) => path.relative(ROOT, file);
const read = (file: string) => fs.readFileSync(file, 'utf8');

/** The guides, in the order the index lists them: the order their runnable blocks run in. */
function guides(): string[] {
  const listed = [...read(INDEX).matchAll(/\]\(([\w-]+\.md)\)/g)].map((m) => m[1]!);
  return [...new Set(listed)].map((f) => path.join(RUNBOOKS, f));
}

/** `warden <path> --help` of each command path, parsed; asked once each, at most 2 at a time. */
function helpTexts(): (at: string[]) => Promise<HelpSpec> {
  const cache = new Map<string, Promise<HelpSpec>>();
  const waiting: (() => void)[] = [];
  let running = 0;
  return (at) => {
    const key = at.join(' ');
    let spec = cache.get(key);
    if (!spec) {
      spec = (async () => {
        if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
        running++;
        try {
          // --help makes no TLS connection: node need not parse an extra CA bundle at start (~40 ms each).
          const r = await cli([...at, '--help'], { env: { NODE_EXTRA_CA_CERTS: '' } });
          assert.equal(r.code, 0, `warden ${key} --help failed: ${r.stderr}`);
          return parseHelp(r.stdout);
        } finally {
          running--;
          waiting.shift()?.();
        }
      })();
      cache.set(key, spec);
    }
    return spec;
  };
}

function bash(file: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; out: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = execFile('bash', ['--noprofile', '--norc', file], { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, out: stdout.toString(), timedOut: !!(err as { killed?: boolean } | null)?.killed });
    });
    child.stdin?.end();
  });
}

/** The runnable blocks of every guide that run on `cluster`, by guide (in the index's order). */
function sessions(cluster: string): { file: string; runs: Run[] }[] {
  return guides()
    .map((file) => ({ file, runs: runsOf(codeBlocks(rel(file), read(file))).filter((r) => clusterOf(r.block) === cluster) }))
    .filter((s) => s.runs.length > 0);
}

/**
 * Runs each guide's session of blocks for `cluster` (already up, in `stateDir`), checks that every
 * command did what its block says and printed what the guide shows, and that the cluster is
 * healthy after each guide.
 */
async function runSessions(t: TestContext, cluster: string, stateDir: string, extraEnv: NodeJS.ProcessEnv): Promise<void> {
  // `warden` on PATH is a symlink to the checkout's script, as the quick start suggests.
  const bin = tempDir('runbook-bin');
  fs.symlinkSync(path.join(ROOT, 'warden'), path.join(bin, 'warden'));
  const status = await cli(['--state-dir', stateDir, 'cluster', 'status', '-w', 'json']);
  assert.equal(status.code, 0, status.stderr);
  // The members keep their client URLs through restores and replacements: one ENDPOINTS serves every guide.
  const endpoints = (JSON.parse(status.stdout) as { clientURL: string }[]).map((m) => m.clientURL).join(',');
  const capture = process.env.WARDEN_GUIDES_CAPTURE;
  if (capture) fs.mkdirSync(capture, { recursive: true });
  for (const { file, runs } of sessions(cluster)) {
    await t.test(`${rel(file)}${cluster === 'main' ? '' : ` (cluster=${cluster})`}`, async (st) => {
      const { script, lines } = sessionScript(runs);
      const cwd = tempDir(`guide-${path.basename(file, '.md')}`);
      const scriptFile = path.join(tempDir('runbook-script'), 'session.sh');
      fs.writeFileSync(scriptFile, script);
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const k of Object.keys(env)) if (k.startsWith('ETCDCTL_') || k.startsWith('AWS_')) delete env[k];
      Object.assign(env, { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, WARDEN_STATE_DIR: stateDir, ENDPOINTS: endpoints }, extraEnv);
      const started = Date.now();
      const r = await bash(scriptFile, cwd, env, 180_000);
      st.diagnostic(`${rel(file)}: ${runs.length} runnable blocks in ${((Date.now() - started) / 1000).toFixed(1)}s`);

      // What each block printed, between the markers.
      const { printed, failure: failed, current } = sessionResult(runs, lines, r.out);
      if (capture) {
        for (const [k, out] of printed) {
          fs.writeFileSync(path.join(capture, `${path.basename(file, '.md')}-${runs[k]!.block.line}.txt`), out.join('\n').replace(/^\n/, ''));
        }
      }
      const tail = (k: number | undefined) => (k === undefined ? r.out : (printed.get(k) ?? []).join('\n')).slice(-3000);
      const failure = r.timedOut ? `${rel(file)}: the guide's commands did not end within 180s` : failed && `${failed} (exit ${r.code})`;
      assert.equal(failure, undefined, `${failure}; it printed:\n${tail(current)}`);

      const mismatches = runs.flatMap((run, k) => {
        if (!run.output) return [];
        const wrong = matchOutput(run.output.lines, printed.get(k) ?? []);
        return wrong ? [`${rel(file)}:${run.output.line}: ${wrong}; the block printed:\n${tail(k)}`] : [];
      });
      assert.deepEqual(mismatches, [], mismatches.join('\n\n'));

      // A guide leaves the cluster as it found it: every member healthy, for the next one.
      const health = await etcdctl(['--endpoints', endpoints, 'endpoint', 'health']);
      assert.equal(health.code, 0, `${rel(file)} left the cluster unhealthy:\n${health.stdout}${health.stderr}`);
    });
  }
}

// The help checks (CPU: one CLI start per subcommand) run while the cluster test waits on etcd.
describe('runbook guides', { concurrency: true }, () => {
  it('every warden command line in the guides and the quick start has its subcommands and flags in the CLI (checked against --help)', async () => {
    const files = [...guides(), INDEX, README];
    const commands = files.flatMap((f) => codeBlocks(rel(f), read(f)).filter((b) => b.info[0] === 'sh').flatMap(blockCommands));
    assert.ok(commands.length >= 60, `only ${commands.length} warden command lines found in ${files.map(rel).join(', ')}`);
    const help = helpTexts();
    const problems = (await Promise.all(commands.map(async (c) => {
      const wrong = await checkCommand(c.argv, help);
      return wrong ? `${c.file}:${c.line}: ${c.text}\n    ${wrong}` : undefined;
    }))).filter((p) => p !== undefined);
    assert.deepEqual(problems, [], `command lines the CLI does not accept:\n${problems.join('\n')}`);
    // The check finds what does not exist.
    assert.match((await checkCommand(['backup', 'dir', '--no-such-flag'], help)) ?? '', /^`warden backup` has no flag --no-such-flag/);
    assert.match((await checkCommand(['cluster', 'nosuch'], help)) ?? '', /^`warden cluster` has no command nosuch/);
    assert.match((await checkCommand(['member', 'replace'], help)) ?? '', /^`warden member replace` needs 1 argument/);
    assert.equal(await checkCommand(['--state-dir', 'x', 'defrag', '--cluster', '--wait=0', '-w', 'json'], help), undefined);
  });

  it('the session script stops at the first command that fails (before `&&`, inside a loop, in `$(...)`, in a pipeline), and a `runnable fails` block passes only when its last command fails and the others succeed', async () => {
    const guide = (body: string) => runsOf(codeBlocks('guide.md', body));
    const run = async (body: string) => {
      const runs = guide(body);
      const { script, lines } = sessionScript(runs);
      const file = path.join(tempDir('runbook-selftest'), 'session.sh');
      fs.writeFileSync(file, script);
      const r = await bash(file, path.dirname(file), { PATH: process.env.PATH ?? '' }, 20_000);
      return sessionResult(runs, lines, r.out);
    };
    const fence = (info: string, ...cmds: string[]) => `\`\`\`${info}\n${cmds.join('\n')}\n\`\`\`\n`;
    assert.equal((await run(fence('sh runnable', 'echo one', 'x=$(echo two) && echo "$x"') + fence('sh runnable fails', 'true', 'false'))).failure, undefined);
    // guide.md: the fence is line 1, the first command line 2.
    assert.equal((await run(fence('sh runnable', 'echo one', 'false && echo never', 'echo after'))).failure, 'guide.md:3: the command exited 1');
    assert.equal((await run(fence('sh runnable', 'for i in 1 2; do', '  false', 'done', 'echo after'))).failure, 'guide.md:3: the command exited 1');
    assert.equal((await run(fence('sh runnable', 'x=$(false; echo hidden)', 'echo after'))).failure, 'guide.md:2: the command exited 1');
    assert.equal((await run(fence('sh runnable', 'false | cat', 'echo after'))).failure, 'guide.md:2: the command exited 1');
    assert.equal((await run(fence('sh runnable fails', 'false', 'false'))).failure, 'guide.md:2: the command exited 1');
    assert.equal((await run(fence('sh runnable fails', 'true', 'true'))).failure, 'guide.md:2: the last command of this `runnable fails` block succeeded');
    const printed = await run(fence('sh runnable', 'echo a') + '\n' + fence('text output', 'a') + fence('sh runnable fails', 'echo b; sh -c "exit 3"'));
    assert.equal(printed.failure, undefined);
    assert.deepEqual([...printed.printed.values()].map((l) => l.filter(Boolean)), [['a'], ['b']]);
  });

  it('the README table and the index link every guide; every link between the README, the command reference and the guides resolves', () => {
    const all = fs.readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
    assert.deepEqual(guides().map((g) => path.basename(g)).sort(), all, 'the index lists every guide');
    const readme = read(README);
    for (const g of all) assert.match(readme, new RegExp(`\\]\\(docs/runbooks/${g.replace('.', '\\.')}\\)`), `the README links ${g}`);
    const broken: string[] = [];
    for (const file of [README, COMMANDS, path.join(ROOT, 'docs/ARCHITECTURE.md'), INDEX, ...guides()]) {
      for (const link of relativeLinks(read(file))) {
        const to = linkTarget(file, link.target);
        if (!fs.existsSync(to.file)) broken.push(`${rel(file)}:${link.line}: ${link.target} (no such file)`);
        else if (to.anchor && to.file.endsWith('.md') && !anchors(read(to.file)).has(to.anchor)) broken.push(`${rel(file)}:${link.line}: ${link.target} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('the runnable blocks of every guide run against one real 3-member cluster (and a local S3 server), through ./warden, and print what the guide shows', async (t) => {
    const s3 = await startS3([BUCKET]);
    t.after(() => s3.close());
    const c = await startCluster(t, CLUSTERS.main);
    await runSessions(t, 'main', c.stateDir, {
      ...S3RVER_ENV, AWS_ENDPOINT_URL: s3.endpoint,
    });
  });

  // Read when the file loads: each cluster a guide names gets its test, run beside the main one.
  const named = new Set(guides().flatMap((f) => codeBlocks(rel(f), read(f)).filter(isRunnable).map(clusterOf)));
  for (const cluster of [...named].filter((n) => n !== 'main').sort()) {
    it(`the runnable blocks fenced cluster=${cluster} run on their own cluster (warden cluster up ${(CLUSTERS[cluster] ?? ['?']).join(' ')})`, async (t) => {
      const args = CLUSTERS[cluster];
      assert.ok(args, `runnable blocks name cluster=${cluster}, which CLUSTERS in ${'test/e2e/runbooks.test.ts'} does not define`);
      const c = await startCluster(t, args);
      await runSessions(t, cluster, c.stateDir, {});
    });
  }
});
