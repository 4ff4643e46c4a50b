// etcd authentication (`etcdctl auth enable`: a root user and roles) on real clusters: `cluster up
// --auth` and `run --auth` with a generated root password that every command then uses; --user,
// --password, ETCDCTL_USER and ETCDCTL_PASSWORD; auth tokens that expire every 2 s under long
// commands and the operator; one clear line for a wrong password and for a missing permission;
// backup, defrag, encryption, restore and quorum restore; and the password never in any output,
// log or process command line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Background, cli, etcdctl, tempDir, TestCluster, waitUntil, assertOneErrorLine, type CliResult } from '../helpers/warden.ts';

/** etcdctl with credentials in its environment, never on its command line. */
function ctl(eps: string, args: string[], user?: string, password?: string, input?: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ETCDCTL_USER: user ?? '', ETCDCTL_PASSWORD: password ?? '' };
  if (!user) {
    delete env.ETCDCTL_USER;
    delete env.ETCDCTL_PASSWORD;
  }
  return etcdctlInput(['--endpoints', eps, ...args], env, input);
}

async function etcdctlInput(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  if (input === undefined) return etcdctl(args, env);
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = execFile('etcdctl', args, { env: { ...process.env, ETCDCTL_API: '3', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout: stdout.toString(), stderr: stderr.toString() });
    });
    child.stdin?.end(input);
  });
}

function noSecret(text: string, secret: string, where: string): void {
  assert.ok(!text.includes(secret), `the password appears in ${where}`);
}

/** Every process command line on the machine that holds `secret`. */
function cmdlinesHolding(secret: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(secret)) out.push(`${pid}: ${cmd.split('\0').join(' ').replace(secret, '<password>')}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Every log of every agent (etcd's and the agent's own): none may hold the password. */
function assertLogsClean(c: TestCluster, secret: string): void {
  const agents = path.join(c.stateDir, 'agents');
  const dirs = fs.readdirSync(agents).map((a) => path.join(agents, a, 'logs')).filter((d) => fs.existsSync(d));
  assert.ok(dirs.length > 0, 'the agents keep logs');
  for (const logs of dirs) for (const f of fs.readdirSync(logs)) noSecret(fs.readFileSync(path.join(logs, f), 'utf8'), secret, `${logs}/${f}`);
}

async function conditionsOf(c: TestCluster): Promise<{ type: string; status: string; reason: string }[]> {
  const r = await c.run(['status', '-w', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { conditions: { type: string; status: string; reason: string }[] }).conditions;
}

describe('etcd authentication: a cluster made with `cluster up --auth`, tokens expiring every 2 s', () => {
  const c = new TestCluster(path.join(tempDir('auth'), 'state'));
  let up: CliResult;
  let password = '';
  let eps = '';
  const pwFile = path.join(c.stateDir, 'auth', 'root.password');
  const backups = path.join(tempDir('auth-bk'), 'sets');

  before(async () => {
    up = await c.run(['cluster', 'up', '--auth', '--etcd-arg=--auth-token-ttl=2']);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    password = fs.readFileSync(pwFile, 'utf8').trim();
    eps = await c.endpoints();
  });
  after(async () => {
    await c.down();
  });

  it('creates root with a generated password stored 0600, enables auth, and says how to use etcdctl without printing it', async () => {
    assert.ok(password.length >= 20, 'a generated password');
    assert.equal(fs.statSync(pwFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(pwFile)).mode & 0o777, 0o700);
    noSecret(up.stdout + up.stderr, password, 'the output of cluster up');
    assert.match(up.stdout, new RegExp(`^ETCDCTL_USER=root ETCDCTL_PASSWORD="\\$\\(cat ${pwFile.replace(/[.]/g, '\\.')}\\)" etcdctl --endpoints=\\S+ endpoint health$`, 'm'));
    // Auth is on: etcdctl without a user is refused, with root's password it works.
    const anonymous = await ctl(eps, ['put', '/probe', 'x']);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /user name is empty/);
    assert.equal((await ctl(eps, ['put', '/probe', 'x'], 'root', password)).code, 0);
  });

  it('every command works without flags: put/get, endpoint status, member list, status', async () => {
    assert.equal((await c.run(['put', '/app/greeting', 'hello'])).code, 0);
    const got = await c.run(['get', '/app/greeting', '--print-value-only']);
    assert.equal(got.stdout.trim(), 'hello', got.stderr);
    const st = await c.run(['endpoint', 'status', '--cluster', '-w', 'json']);
    assert.equal(st.code, 0, st.stderr);
    assert.equal((JSON.parse(st.stdout) as unknown[]).length, 3);
    const ml = await c.run(['member', 'list']);
    assert.equal(ml.code, 0, ml.stderr);
    assert.equal(ml.stdout.trim().split('\n').length, 3);
    const status = await c.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Cluster: 3 of 3 members healthy, quorum 2 kept/m);
  });

  it('--user/--password and ETCDCTL_USER/ETCDCTL_PASSWORD name another user; a wrong password is one line and changes nothing', async () => {
    // A reader: read access to every key, nothing else.
    assert.equal((await ctl(eps, ['role', 'add', 'reader'], 'root', password)).code, 0);
    assert.equal((await ctl(eps, ['role', 'grant-permission', 'reader', 'read', '--from-key', ''], 'root', password)).code, 0);
    assert.equal((await ctl(eps, ['user', 'add', 'ann', '--interactive=false'], 'root', password, 'ann-secret-pw\n')).code, 0);
    assert.equal((await ctl(eps, ['user', 'grant-role', 'ann', 'reader'], 'root', password)).code, 0);
    for (const [args, env] of [
      [['--user', 'ann:ann-secret-pw'], {}],
      [['--user', 'ann', '--password', 'ann-secret-pw'], {}],
      [[], { ETCDCTL_USER: 'ann:ann-secret-pw' }],
      [[], { ETCDCTL_USER: 'ann', ETCDCTL_PASSWORD: 'ann-secret-pw' }],
    ] as [string[], NodeJS.ProcessEnv][]) {
      const r = await c.run([...args, 'get', '/app/greeting', '--print-value-only'], { env });
      assert.equal(r.stdout.trim(), 'hello', `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    }

    const wrong = 'Wr0ng-pw-0f-r00t';
    for (const [args, env, user] of [
      [['--user', `root:${wrong}`], {}, 'root'],
      [['--user', 'root', '--password', wrong], {}, 'root'],
      [[], { ETCDCTL_USER: 'root', ETCDCTL_PASSWORD: wrong }, 'root'],
      [['--user', 'nobody', '--password', wrong], {}, 'nobody'],
    ] as [string[], NodeJS.ProcessEnv, string][]) {
      const r = await c.run([...args, 'put', '/app/greeting', 'overwritten'], { env });
      assertOneErrorLine(r, new RegExp(`^Error: authentication failed for user "${user}": check --user/--password`), { only: true });
      noSecret(r.stdout + r.stderr, wrong, 'the error');
    }
    assert.equal((await c.run(['get', '/app/greeting', '--print-value-only'])).stdout.trim(), 'hello', 'nothing was written');
    // The operator too: a password that is wrong stays wrong, so it does not start retrying.
    const op = await cli(['--state-dir', c.stateDir, '--user', 'root', '--password', wrong, 'operator', '--listen', '127.0.0.1:0'], { timeoutMs: 20_000 });
    assertOneErrorLine(op, /^Error: authentication failed for user "root": check --user\/--password/, { only: true });
  });

  it('a user lacking a permission gets one line naming the permission and the key range it needs; nothing changes', async () => {
    const asAnn = ['--user', 'ann', '--password', 'ann-secret-pw'];
    const put = await c.run([...asAnn, 'put', '/app/greeting', 'overwritten']);
    assertOneErrorLine(put, /^Error: user "ann" may not write \/app\/greeting: grant it with `etcdctl role grant-permission ROLE write \/app\/greeting` to a role of "ann", or use a user with the root role$/, { only: true });
    assert.equal((await c.run(['get', '/app/greeting', '--print-value-only'])).stdout.trim(), 'hello');

    const enc = await c.run([...asAnn, 'encryption', 'enable', '--type', 'aesgcm']);
    assertOneErrorLine(enc, /^Error: user "ann" may not write \/warden\/config\/apiserver: grant it with `etcdctl role grant-permission ROLE readwrite \/warden\/ --prefix` \(warden keeps its state under \/warden\/\) to a role of "ann", or use a user with the root role$/, { only: true });
    assert.match((await c.run(['encryption', 'status'])).stdout, /^EncryptionDisabled$/m, 'encryption not enabled');

    // etcd 3.4 lets only the root role take a snapshot, defragment and change members.
    const dir = path.join(tempDir('auth-denied'), 'sets');
    const bk = await c.run([...asAnn, 'backup', dir]);
    assertOneErrorLine(bk, /^Error: user "ann" may not take a snapshot \(Maintenance\.Snapshot\): etcd allows it only to the root role: use --user root, or grant it: etcdctl user grant-role ann root$/);
    assert.equal(fs.existsSync(dir) ? fs.readdirSync(dir).length : 0, 0, 'no backup file');

    const members = (await c.run(['member', 'list'])).stdout;
    const id = members.split(',')[0]!.trim();
    const rm = await c.run([...asAnn, 'member', 'remove', id]);
    assertOneErrorLine(rm, /^Error: user "ann" may not change the members \(Cluster\.MemberRemove\): etcd allows it only to the root role: /, { only: true });
    assert.equal((await c.run(['member', 'list'])).stdout, members, 'no member removed');

    // Reads and member-less maintenance need no more than a login.
    const st = await c.run([...asAnn, 'endpoint', 'status', '--cluster']);
    assert.equal(st.code, 0, st.stderr);
    const ml = await c.run([...asAnn, 'member', 'list']);
    assert.equal(ml.code, 0, ml.stderr);
  });

  it('backup, defrag --cluster and encryption enable --wait work with the generated password while tokens expire', async () => {
    const bk = await c.run(['backup', backups]);
    assert.equal(bk.code, 0, bk.stderr);
    assert.equal(fs.readdirSync(backups).length, 2);
    // 3 s between members: each member's token idles past its 2 s TTL before its Defragment.
    const df = await c.run(['defrag', '--cluster', '--wait', '3s']);
    assert.equal(df.code, 0, df.stderr);
    assert.equal(df.stdout.split('\n').filter((l) => l.startsWith('Finished defragmenting')).length, 3, df.stdout);

    const y = path.join(tempDir('auth-y'), 'o.yaml');
    fs.writeFileSync(y, Array.from({ length: 30 }, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata: {name: s-${i}, namespace: prod}\ndata: {password: ${Buffer.from(`pw-${i}`).toString('base64')}}\n`).join('---\n'));
    assert.equal((await c.run(['apply', '-f', y])).code, 0);
    const en = await c.run(['encryption', 'enable', '--type', 'aesgcm', '--wait', '--migration-rate', '10']);
    assert.equal(en.code, 0, en.stderr);
    assert.match(en.stdout, /^EncryptionCompleted$/m);
    assert.match(en.stdout, /^secrets: 30\/30$/m);
    for (const r of [bk, df, en]) noSecret(r.stdout + r.stderr, password, 'command output');
  });

  it('the operator elects a leader, hands over, and runs controller passes across many token expiries', async () => {
    const a = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '3', '--id', 'op-a']);
    const b = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0', '--lease-ttl', '3', '--id', 'op-b']);
    try {
      const leader = await waitUntil('an operator to lead', async () => {
        const r = await c.run(['status']);
        return /^Operator: (op-[ab]) leads/m.exec(r.stdout)?.[1];
      });
      const [lead, other, otherId] = leader === 'op-a' ? [a, b, 'op-b'] : [b, a, 'op-a'];
      await waitUntil('ClusterHealthy from the leader', async () => (await conditionsOf(c)).some((x) => x.type === 'ClusterHealthy' && x.status === 'True'));
      // A rotation the leader carries out in several passes, 5 s apart: longer than the token TTL.
      const rot = await c.run(['encryption', 'rotate']);
      assert.equal(rot.code, 0, rot.stderr);
      lead.kill('SIGKILL');
      await lead.exited();
      await waitUntil('the other operator to take over', async () => new RegExp(`^Operator: ${otherId} leads`, 'm').test((await c.run(['status'])).stdout), 30_000);
      // Key 1 came with `enable`: every secret rewritten with key 2 is the rotation done.
      await waitUntil('the rotation to complete under the new leader', async () => {
        const scan = await c.run(['encryption', 'scan', '-w', 'json']);
        const secrets = (JSON.parse(scan.stdout) as { resource: string; plaintext: number; encrypted: Record<string, number> }[]).find((x) => x.resource === 'secrets');
        return secrets?.encrypted['aesgcm:2'] === 30;
      }, 90_000);
      assert.ok((await conditionsOf(c)).some((x) => x.type === 'Encrypted' && x.reason === 'EncryptionCompleted'));
      assert.match((await c.run(['status'])).stdout, new RegExp(`^Operator: ${otherId} leads`, 'm'), 'kept its lease throughout');
      assert.doesNotMatch(other.out, /invalid auth token|authentication failed|user name is empty|may not|permission denied/, other.out);
      noSecret(a.out + b.out, password, 'the operators\' output');
    } finally {
      a.kill('SIGKILL');
      b.kill('SIGKILL');
      await Promise.all([a.exited(), b.exited()]);
    }
  });

  it('restore brings back the same users and auth; no process command line ever holds the password', async () => {
    assert.equal((await c.run(['put', '/app/greeting', 'after-the-backup'])).code, 0);
    const seen = new Set<string>();
    let children = 0;
    const scan = setInterval(() => {
      for (const l of cmdlinesHolding(password)) seen.add(l);
      children = Math.max(children, cmdlinesHolding(c.stateDir).length);
    }, 20);
    let r: CliResult;
    try {
      r = await c.run(['restore', backups]);
    } finally {
      clearInterval(scan);
    }
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...seen], [], 'no command line holds the password');
    assert.ok(children > 0, 'the scan saw warden\'s processes');
    noSecret(r.stdout + r.stderr, password, 'the restore output');
    assert.equal((await c.run(['get', '/app/greeting', '--print-value-only'])).stdout.trim(), 'hello', 'the backed-up value is back');
    assert.equal((await c.run(['--user', 'ann:ann-secret-pw', 'get', '/app/greeting', '--print-value-only'])).stdout.trim(), 'hello', 'the same users');
    assert.match((await ctl(eps, ['get', '/app/greeting'])).stderr, /user name is empty/, 'auth is still on');
    assertLogsClean(c, password);
  });

  it('quorum restore after losing two members, with auth', async () => {
    const st = await c.status();
    process.kill(st[0]!.pid!, 'SIGKILL');
    process.kill(st[1]!.pid!, 'SIGKILL');
    await waitUntil('two members down', async () => (await c.status()).filter((m) => m.running).length === 1);
    const r = await c.run(['quorum', 'restore']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /^quorum restored from etcd-3: 3 healthy members agree at revision \d+/);
    assert.equal((await c.run(['get', '/app/greeting', '--print-value-only'])).stdout.trim(), 'hello');
    noSecret(r.stdout + r.stderr, password, 'the quorum restore output');
    assertLogsClean(c, password);
  });
});

describe('etcd authentication enabled by hand (`etcdctl auth enable`) after a backup', () => {
  it('--user reaches every step of restore and its dry run; a set taken before auth restores without auth and says so; `cluster up --auth` turns it on again', async (t) => {
    const c = new TestCluster(path.join(tempDir('auth-late'), 'state'));
    t.after(() => c.down());
    assert.equal((await c.run(['cluster', 'up', '--members', '1'])).code, 0);
    assert.equal((await c.run(['put', '/app/k', 'before-auth'])).code, 0);
    const before = path.join(tempDir('auth-late-bk'), 'sets');
    assert.equal((await c.run(['backup', before])).code, 0);

    const eps = await c.endpoints();
    for (const [args, input] of [[['role', 'add', 'root']], [['user', 'add', 'root', '--interactive=false'], 'hand-made-pw\n'], [['user', 'grant-role', 'root', 'root']], [['auth', 'enable']]] as [string[], string?][]) {
      const r = await ctl(eps, args, undefined, undefined, input);
      assert.equal(r.code, 0, r.stderr);
    }
    const asRoot = ['--user', 'root', '--password', 'hand-made-pw'];
    assert.match((await c.run(['put', '/app/k', 'x'])).stderr, /^Error: authentication is enabled on the cluster but no user was given: pass --user/m);
    assert.equal((await c.run([...asRoot, 'put', '/app/k', 'after-auth'])).code, 0);
    const withAuth = path.join(tempDir('auth-late-bk2'), 'sets');
    assert.equal((await c.run([...asRoot, 'backup', withAuth])).code, 0);

    // The throwaway member of a dry run serves the set's auth store: it needs the set's credentials.
    const dry = await c.run([...asRoot, 'restore', withAuth, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run of backup \S+: OK/m);

    // A set with auth: the members warden adds back and the hashKV checks use --user.
    assert.equal((await c.run([...asRoot, 'put', '/app/k', 'changed'])).code, 0);
    const back = await c.run([...asRoot, 'restore', withAuth]);
    assert.equal(back.code, 0, back.stderr);
    assert.doesNotMatch(back.stderr, /no authentication/);
    assert.equal((await c.run([...asRoot, 'get', '/app/k', '--print-value-only'])).stdout.trim(), 'after-auth');
    assert.match((await ctl(eps, ['get', '/app/k'])).stderr, /user name is empty/, 'auth is on, as in the set');

    const r = await c.run([...asRoot, 'restore', before]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the restored cluster has no authentication \(the backup was taken before it was enabled\): anyone who reaches its client URLs can read and write; run `warden cluster up --auth` to enable it again/);
    assert.equal((await ctl(eps, ['get', '/app/k', '--print-value-only'])).stdout.trim(), 'before-auth', 'auth is off');
    assert.equal((await c.run([...asRoot, 'get', '/app/k', '--print-value-only'])).stdout.trim(), 'before-auth', 'credentials for a cluster without auth are no error');

    const on = await c.run(['cluster', 'up', '--auth']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stderr, /^etcd authentication enabled: user root \(role root\), password in \S+root\.password$/m);
    assert.match((await ctl(eps, ['get', '/app/k'])).stderr, /user name is empty/);
    assert.equal((await c.run(['get', '/app/k', '--print-value-only'])).stdout.trim(), 'before-auth');
    assert.equal((await c.run(['cluster', 'up', '--auth'])).code, 0, 'again: nothing to do');
  });
});

describe('warden run --auth', () => {
  it('creates the cluster with auth, runs the operator with the generated password, never printing it', async (t) => {
    const dir = path.join(tempDir('auth-run'), 'state');
    const run = new Background(['--state-dir', dir, 'run', '--auth', '--members', '1', '--listen', '127.0.0.1:0']);
    t.after(async () => {
      run.kill('SIGTERM');
      await run.exited();
    });
    await run.waitFor(/Press Ctrl-C/);
    const password = fs.readFileSync(path.join(dir, 'auth', 'root.password'), 'utf8').trim();
    assert.match(run.out, /ETCDCTL_USER=root ETCDCTL_PASSWORD="\$\(cat .*root\.password\)" etcdctl/);
    await waitUntil('the operator to lead', async () => /^Operator: \S+ leads/m.test((await cli(['--state-dir', dir, 'status'])).stdout));
    assert.equal((await cli(['--state-dir', dir, 'put', '/k', 'v'])).code, 0);
    noSecret(run.out, password, 'the output of run');
    assert.deepEqual(cmdlinesHolding(password), []);
  });
});
