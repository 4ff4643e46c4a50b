// Every flag of every command, walked through the commander program itself: durations and sizes
// are bounded when the command line is parsed (before anything runs), option parsers answer bad
// input with one `what: what to do` line, and commander's own usage errors print the same form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { UsageError } from '../../src/errors.ts';
import { buildProgram, main } from '../../src/cli/main.ts';
import { MAX_TIMER_MS } from '../../src/util/duration.ts';

const quiet = { out: () => undefined, err: () => undefined };
/** `Error: <what went wrong>: <what to do>` on one line. */
const FORM = /^Error: [^\n]*\S: \S[^\n]*$/;

interface Flag {
  path: string;
  option: Option;
}

async function allFlags(): Promise<Flag[]> {
  const program = await buildProgram(quiet, { exitCode: 0 }, ['--help']);
  const out: Flag[] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const option of cmd.options) out.push({ path: ['warden', ...path].join(' '), option });
    for (const c of cmd.commands) walk(c, [...path, c.name()]);
  };
  walk(program, []);
  return out;
}

const takesValue = (o: Option) => o.required || o.optional;
const name = (f: Flag) => `${f.path} ${f.option.long ?? f.option.flags}`;

/** Flags whose duration is compared with timestamps, never armed as a timer, so may exceed Node's timer limit. */
const AGES = new Set(['--key-rotation', '--backup-retain-age', '--ttl', '--since']);

test('every flag that takes a time or a size says so (<duration>, <size>)', async () => {
  const flags = (await allFlags()).filter((f) => takesValue(f.option));
  assert.ok(flags.length > 40, `only ${flags.length} flags found`);
  for (const f of flags) {
    const long = f.option.long ?? '';
    if (/(timeout|interval|wait|rotation|-age|expires|-for)$/.test(long)) assert.match(f.option.flags, /<duration>/, name(f));
    if (/size$/.test(long)) assert.match(f.option.flags, /<size>/, name(f));
  }
});

test('every duration flag is parsed and bounded on the command line', async () => {
  const flags = (await allFlags()).filter((f) => /<duration>/.test(f.option.flags));
  assert.ok(flags.length >= 20, `only ${flags.length} duration flags found`);
  for (const f of flags) {
    const long = f.option.long as string;
    assert.ok(f.option.parseArg, `${name(f)} is not parsed when the command line is read`);
    const parse = (v: string) => f.option.parseArg!(v, undefined) as unknown;
    assert.throws(() => parse('99999999999h'), (e: unknown) => e instanceof UsageError && new RegExp(`^duration "99999999999h" for ${long} is too long: give at most \\d+[hms]\\w*$`).test(e.message), name(f));
    assert.throws(() => parse(`${'9'.repeat(400)}h`), UsageError, name(f));
    assert.throws(() => parse('banana'), (e: unknown) => e instanceof UsageError && FORM.test(`Error: ${e.message}`), name(f));
    if (!AGES.has(long)) assert.throws(() => parse(`${MAX_TIMER_MS + 1}ms`), UsageError, `${name(f)} allows more than Node's timer limit`);
    assert.equal(parse('1s'), 1000, name(f));
    // The default is a parsed value within the bound, not text.
    if (f.option.defaultValue !== undefined) assert.equal(typeof f.option.defaultValue, 'number', name(f));
  }
});

test('every size flag is parsed and bounded on the command line', async () => {
  const flags = (await allFlags()).filter((f) => /<size>/.test(f.option.flags));
  assert.ok(flags.length >= 2, `only ${flags.length} size flags found`);
  for (const f of flags) {
    const long = f.option.long as string;
    assert.ok(f.option.parseArg, `${name(f)} is not parsed when the command line is read`);
    const parse = (v: string) => f.option.parseArg!(v, undefined) as unknown;
    assert.throws(() => parse('99999999999TiB'), (e: unknown) => e instanceof UsageError && new RegExp(`^size "99999999999TiB" for ${long} is too big: give at most \\S+$`).test(e.message), name(f));
    assert.throws(() => parse(`${'9'.repeat(400)}`), UsageError, name(f));
    assert.throws(() => parse('lots'), (e: unknown) => e instanceof UsageError && FORM.test(`Error: ${e.message}`), name(f));
    assert.equal(parse('100MiB'), 100 * 1024 ** 2, name(f));
    if (f.option.defaultValue !== undefined) assert.equal(typeof f.option.defaultValue, 'number', name(f));
  }
});

test('every flag parser answers nonsense with one `what: what to do` line', async () => {
  const flags = (await allFlags()).filter((f) => f.option.parseArg);
  for (const f of flags) {
    for (const bad of ['banana', '-1', '99999999999999999999999']) {
      let err: unknown;
      try {
        f.option.parseArg!(bad, undefined);
      } catch (e) {
        err = e;
      }
      if (err === undefined) continue; // a value the flag accepts
      assert.ok(err instanceof UsageError, `${name(f)} ${bad}: ${String(err)}`);
      assert.match(`Error: ${err.message}`, FORM, `${name(f)} ${bad}`);
    }
  }
});

async function run(argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const err: string[] = [];
  const out: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, err: err.join('').trim().split('\n').filter(Boolean), out };
}

test('a huge duration is one line and exit 2, before anything is attempted', async () => {
  for (const argv of [
    ['--command-timeout', '99999999999h', '--endpoints', '127.0.0.1:1', 'get', 'a'],
    ['operator', '--defrag-interval', '99999999999h'],
    ['--state-dir', '/nonexistent/warden', 'cluster', 'up', '--timeout', '99999999999h'],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.length, 1, r.err.join('\n'));
    assert.match(r.err[0] as string, /^Error: duration "99999999999h" for --[a-z-]+ is too long: give at most \d+h$/);
  }
});

test("commander's usage errors print one `Error: what: what to do` line and exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [['encryption', 'enable'], /^Error: required option '--type <type>' not specified: .*`warden encryption enable --help`/],
    [['backup', 'list'], /^Error: missing required argument 'location': .*`warden backup list --help`/],
    [['put', '--bogus', 'a', 'b'], /^Error: unknown option '--bogus': .*`warden put --help`/],
    [['--bogus', 'status'], /^Error: unknown option '--bogus': .*`warden --help`/],
    [['defrag', '--clustr'], /^Error: unknown option '--clustr': did you mean --cluster\?/],
    [['nosuch'], /^Error: unknown command 'nosuch': .*`warden --help`/],
    [['cluster', 'upp'], /^Error: unknown command 'upp': did you mean up\?/],
    [['get', 'a', 'b', 'c'], /^Error: too many arguments for 'get' \(expected 2, got 3\): .*`warden get --help`/],
    [['get', 'a', '--limit'], /^Error: option '--limit <n>' needs a value: .*`warden get --help`/],
    [['backup'], /^Error: no backup directory given: give one \(or --to s3:\/\/bucket\/prefix\)/],
    [['cluster'], /^Error: `warden cluster` needs a command: one of up, down, status, stop-member, start-member, logs, init .*`warden cluster --help`/],
    [[], /^Error: `warden` needs a command: .*`warden --help`/],
    [['--members', '3'], /^Error: unknown option '--members'/],
    [['cluster', 'up', '--members', 'banana'], /^Error: --members must be a whole number/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: exit ${r.code}`);
    assert.equal(r.err.length, 1, `${argv.join(' ')}: ${r.err.join('\n')}`);
    assert.match(r.err[0] as string, FORM, argv.join(' '));
    assert.match(r.err[0] as string, re, argv.join(' '));
    assert.deepEqual(r.out, [], argv.join(' '));
  }
});

test('--help and --version still print to stdout and exit 0', async () => {
  for (const argv of [['--help'], ['cluster', '--help'], ['--version'], ['help', 'cluster']]) {
    const r = await run(argv);
    assert.equal(r.code, 0, argv.join(' '));
    assert.deepEqual(r.err, [], argv.join(' '));
    assert.ok(r.out.join('').length > 0, argv.join(' '));
  }
});

test('KMS flags given wrongly: one line, exit 2, nothing written', async () => {
  const dir = `/tmp/warden-kms-flags-${process.pid}`;
  const cases: [string[], RegExp][] = [
    [['encryption', 'enable', '--type', 'aesgcm', '--kms-endpoint', 'unix:///run/kms.sock'], /^Error: --kms-endpoint is for --type kms only: drop it, or give --type kms$/],
    [['encryption', 'enable', '--type', 'aesgcm', '--kms-name', 'vault'], /^Error: --kms-name is for --type kms only: drop it, or give --type kms$/],
    [['encryption', 'enable', '--type', 'kms', '--kms-endpoint', 'tcp://10.0.0.1:9000'], /^Error: --kms-endpoint tcp:\/\/10\.0\.0\.1:9000: give the plugin's socket as unix:\/\/\/absolute\/path$/],
    [['encryption', 'enable', '--type', 'kms', '--kms-name', 'a:b'], /^Error: --kms-name "a:b": use a name without colons or spaces$/],
    [['backup', dir, '--kek-file', '/etc/kek.json'], /^Error: --kek-file goes with --include-kek: add --include-kek/],
    [['backup', dir, '--include-kek'], /^Error: --include-kek puts the KMS plugin's key-encryption keys into the backup: give --encrypt-to/],
    [['kms-plugin', '--socket', '/tmp/x.sock'], /^Error: `warden kms-plugin` needs --kek-file FILE: see `warden kms-plugin --help`$/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(['--state-dir', '/nonexistent/warden', ...argv]);
    assert.equal(r.code, 2, `${argv.join(' ')}: exit ${r.code} ${r.err.join('\n')}`);
    assert.equal(r.err.length, 1, `${argv.join(' ')}: ${r.err.join('\n')}`);
    assert.match(r.err[0] as string, FORM, argv.join(' '));
    assert.match(r.err[0] as string, re, argv.join(' '));
  }
  assert.equal(existsSync(dir), false, 'no backup dir was made');
});
