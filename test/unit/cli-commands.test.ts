// The CLI loads only the module of the command it runs; these tests pin that the map from
// command names to modules is right (each module registers exactly the names mapped to it)
// and that global flags with values are skipped when finding the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, commandOf } from '../../src/cli/main.ts';

const quiet = { out: () => undefined, err: () => undefined };

test('the command is found after global flags and their values', () => {
  assert.equal(commandOf(['backup', '/tmp/x']), 'backup');
  assert.equal(commandOf(['--state-dir', 'backup', 'snapshot', 'status', 'f']), 'snapshot');
  assert.equal(commandOf(['-w', 'json', '--endpoints', 'a:1', 'endpoint', 'status']), 'endpoint');
  assert.equal(commandOf(['--state-dir=/x', '--tls', 'get', 'k']), 'get');
  assert.equal(commandOf(['--help']), undefined);
  assert.equal(commandOf(['nosuch', 'backup']), undefined);
  assert.equal(commandOf([]), undefined);
});

test('every top-level command is registered by the module it is mapped to', async () => {
  const all = await buildProgram(quiet, { exitCode: 0 }, ['--help']);
  const names = all.commands.map((c) => c.name()).sort();
  assert.ok(names.length >= 15, names.join());
  for (const name of names) {
    const alone = await buildProgram(quiet, { exitCode: 0 }, [name]);
    assert.ok(alone.commands.some((c) => c.name() === name), `${name} is missing when only its module is loaded`);
    assert.ok(alone.commands.length < names.length, `${name} loaded every module`);
  }
});
