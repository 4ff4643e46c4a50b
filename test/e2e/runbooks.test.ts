// The runbook guides (docs/runbooks/*.md) cannot drift from the code: every `warden` command line
// in them (and in the README's quick start) names subcommands and flags the CLI has, checked
// against its own --help; their links resolve; and the blocks marked runnable run, guide by
// guide, against one real 3-member cluster, through the checkout's `./warden` script, printing
// what the guides show. The conventions are in docs/runbooks/README.md.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  anchors, blockCommands, checkCommand, codeBlocks, isOutput, isRunnable, linkTarget, matchOutput, mustFail, parseHelp, relativeLinks,
  type CodeBlock, type HelpSpec,
} from '../helpers/guides.ts';
import { cli, etcdctl, ROOT, startCluster, tempDir } from '../helpers/warden.ts';

const RUNBOOKS = path.join(ROOT, 'docs/runbooks');
const INDEX = path.join(RUNBOOKS, 'README.md');
const README = path.join(ROOT, 'README.md');
const COMMANDS = path.join(ROOT, 'docs/commands.md');

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

interface Run {
  block: CodeBlock;
  /** The ```text output block right after it, if any. */
  output?: CodeBlock;
}

/**
 * One bash script for a guide's runnable blocks, in order (one session: variables carry over).
 * Markers between blocks split what it prints; a failing command reports its script line, which
 * `lines` maps back to the guide.
 */
function sessionScript(blocks: CodeBlock[]): { runs: Run[]; script: string; lines: Map<number, number> } {
  const runs: Run[] = [];
  blocks.forEach((b, i) => {
    if (isRunnable(b)) runs.push({ block: b });
    else if (isOutput(b)) {
      const before = blocks[i - 1];
      assert.ok(before && isRunnable(before), `${b.file}:${b.line}: a \`text output\` block must come right after a runnable block`);
      runs[runs.length - 1]!.output = b;
    }
  });
  const script = ['exec 2>&1', 'set -o pipefail', `__fail() { printf '\\n@@runbook-fail %s %s@@\\n' "$1" "$2"; exit 1; }`];
  const lines = new Map<number, number>();
  runs.forEach(({ block }, k) => {
    script.push(`printf '\\n@@runbook-block ${k}@@\\n'`);
    script.push(...(mustFail(block) ? ['set +e', 'trap - ERR'] : ['set -e', `trap '__fail $LINENO $?' ERR`]));
    block.lines.forEach((l, j) => {
      script.push(l);
      lines.set(script.length, block.line + j);
    });
    if (mustFail(block)) script.push(`[ $? -ne 0 ] || { printf '\\n@@runbook-succeeded ${k}@@\\n'; exit 1; }`);
    script.push('set +e', 'trap - ERR');
  });
  script.push(`printf '\\n@@runbook-end@@\\n'`);
  return { runs, script: `${script.join('\n')}\n`, lines };
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

  it('the runnable blocks of every guide run against one real 3-member cluster, through ./warden, and print what the guide shows', async (t) => {
    const c = await startCluster(t, ['--members', '3']);
    // `warden` on PATH is a symlink to the checkout's script, as the quick start suggests.
    const bin = tempDir('runbook-bin');
    fs.symlinkSync(path.join(ROOT, 'warden'), path.join(bin, 'warden'));
    // The members keep their client URLs through restores and replacements: one ENDPOINTS serves every guide.
    const endpoints = (await c.status()).map((m) => m.clientURL).join(',');
    for (const file of guides()) {
      const { runs, script, lines } = sessionScript(codeBlocks(rel(file), read(file)));
      if (runs.length === 0) continue;
      await t.test(rel(file), async (st) => {
        const cwd = tempDir(`guide-${path.basename(file, '.md')}`);
        const scriptFile = path.join(tempDir('runbook-script'), 'session.sh');
        fs.writeFileSync(scriptFile, script);
        const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, WARDEN_STATE_DIR: c.stateDir };
        for (const k of Object.keys(env)) if (k.startsWith('ETCDCTL_')) delete env[k];
        env.ENDPOINTS = endpoints;
        const started = Date.now();
        const r = await bash(scriptFile, cwd, env, 180_000);
        st.diagnostic(`${rel(file)}: ${runs.length} runnable blocks in ${((Date.now() - started) / 1000).toFixed(1)}s`);

        // What each block printed, between the markers.
        const printed = new Map<number, string[]>();
        let current: number | undefined;
        let failure: string | undefined;
        for (const line of r.out.split('\n')) {
          const marker = /^@@runbook-(block|fail|succeeded|end) ?(.*)@@$/.exec(line);
          if (!marker) {
            if (current !== undefined) printed.get(current)!.push(line);
            continue;
          }
          if (marker[1] === 'block') printed.set((current = Number(marker[2])), []);
          else if (marker[1] === 'fail') {
            const [scriptLine, status] = marker[2]!.split(' ');
            failure = `${rel(file)}:${lines.get(Number(scriptLine)) ?? `script line ${scriptLine}`}: the command exited ${status}`;
          } else if (marker[1] === 'succeeded') failure = `${rel(file)}:${runs[Number(marker[2])]!.block.line}: this \`runnable fails\` block succeeded`;
        }
        const tail = (k: number | undefined) => (k === undefined ? r.out : (printed.get(k) ?? []).join('\n')).slice(-3000);
        if (r.timedOut) failure ??= `${rel(file)}: the guide's commands did not end within 180s`;
        if (!failure && !r.out.includes('@@runbook-end@@')) failure = `${rel(file)}: the session ended early (exit ${r.code})`;
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
  });
});
