import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanBytes, parseOutputFormat, renderTable, toJson } from '../../src/cli/printer.ts';
import { formatDuration, parseDuration } from '../../src/util/duration.ts';

describe('printer', () => {
  it('prints sizes as go-humanize does for etcdctl (SI, half to even)', () => {
    assert.deepEqual([0, 9, 10, 999, 1000, 1500, 20480, 25000, 104857600, 2_147_483_648].map(humanBytes),
      ['0 B', '9 B', '10 B', '999 B', '1.0 kB', '1.5 kB', '20 kB', '25 kB', '105 MB', '2.1 GB']);
  });

  it('draws etcdctl-style tables: upper-case centred headers, right-aligned cells, one rule under the header', () => {
    const t = renderTable(['endpoint', 'db size'], [['127.0.0.1:2379', '20 kB'], ['127.0.0.1:22379', '105 MB']]);
    assert.equal(t, [
      '+-----------------+---------+',
      '|    ENDPOINT     | DB SIZE |',
      '+-----------------+---------+',
      '|  127.0.0.1:2379 |   20 kB |',
      '| 127.0.0.1:22379 |  105 MB |',
      '+-----------------+---------+',
    ].join('\n'));
  });

  it('writes uint64 IDs as exact JSON integers', () => {
    assert.equal(toJson({ ID: 10501334649042878790n, n: 1 }), '{"ID":10501334649042878790,"n":1}');
  });

  it('rejects an unknown -w value with the accepted ones', () => {
    assert.equal(parseOutputFormat('json'), 'json');
    assert.throws(() => parseOutputFormat('xml'), /unknown output format "xml" for -w\/--write-out: use table, json or simple/);
  });

  it('parses and prints Go-style durations', () => {
    assert.equal(parseDuration('1m30s', '--x'), 90_000);
    assert.equal(parseDuration('500ms', '--x'), 500);
    assert.throws(() => parseDuration('5 seconds', '--command-timeout'), /invalid duration "5 seconds" for --command-timeout/);
    assert.throws(() => parseDuration('25h', '--command-timeout'), /^UsageError: duration "25h" for --command-timeout is too long: give at most 24h$/);
    assert.equal(parseDuration('25h', '--x', { maxMs: 8760 * 3_600_000 }), 25 * 3_600_000);
    assert.throws(() => parseDuration(`${'9'.repeat(400)}h`, '--x'), /too long/);
    assert.equal(formatDuration(2.3456), '2.3456ms');
    assert.equal(formatDuration(1500), '1.5s');
  });
});
