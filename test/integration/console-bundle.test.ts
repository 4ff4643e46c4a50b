// The console's page code as the operator serves it: esbuild bundles web/console/ (Preact, htm,
// uPlot and our own code) into one script and one stylesheet that need nothing from elsewhere,
// and together they stay within 150 KB gzipped (what a first visit downloads).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConsoleBundle } from '../../src/console/bundle.ts';

describe('console bundle', () => {
  it('is one script and one stylesheet, self-contained, at most 150 KB gzipped together', async () => {
    const b = await buildConsoleBundle();
    const gz = b.js.gzip.length + b.css.gzip.length;
    assert.ok(gz <= 150 * 1024, `${gz} bytes gzipped`);
    // No import left for the browser to fetch, no URL to another host.
    assert.doesNotMatch(b.js.body.toString('utf8'), /\bimport\s*\(?\s*["'][^"']+["']|from\s*["'](?!\.)[^"']+["']/);
    assert.doesNotMatch(b.css.body.toString('utf8'), /@import|url\(\s*["']?https?:/);
    assert.match(b.css.body.toString('utf8'), /\.uplot/, 'uPlot\'s stylesheet is inside');
  });
});
