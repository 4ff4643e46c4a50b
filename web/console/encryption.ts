// The Encryption page: the mode and the Encrypted condition, the keys by name (never their
// secrets) with when each was created and promoted, the migration's progress per resource, the
// next rotation, and what the last scan found in plaintext (operators can scan now).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { usePoll } from './poll.ts';
import type { EncryptionPage, Role } from './types.ts';

const API = '/apis/warden.io/v1/console/encryption';

const when = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

function Progress({ done, total }: { done: number; total: number }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 100;
  return html`<span class="progress"><progress max=${Math.max(total, 1)} value=${total > 0 ? done : 1} aria-label=${`${done} of ${total}`}></progress> ${done} / ${total} (${pct}%)</span>`;
}

export function EncryptionView({ role }: { role: Role }) {
  const { data: page, error, reload: load } = usePoll<EncryptionPage>(API, 2000);
  const [scan, setScan] = useState<string | undefined>(undefined);
  const scanNow = async () => {
    setScan('scanning…');
    const res = await fetch('/apis/warden.io/v1/actions/scan', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as { message?: string };
    setScan(res.ok ? undefined : `scan failed: ${body.message ?? res.status}`);
    await load();
  };
  if (!page) return error ? html`<p role="alert" class="bad">Could not read the encryption state: ${error}</p>` : html`<p class="loading">Loading…</p>`;
  const mig = page.migration;
  const s = page.lastScan;
  return html`<section aria-labelledby="enc-h">
    <h2 id="enc-h">Encryption at rest</h2>
    <dl class="facts">
      <dt>Mode</dt><dd data-testid="enc-mode">${page.desired}</dd>
      <dt>Condition</dt><dd><span class=${`badge ${page.condition.status === 'True' ? 'good' : ''}`} data-testid="enc-reason">${page.condition.reason}</span> ${page.condition.message}</dd>
      <dt>Write key</dt><dd><code>${page.writeKey}</code></dd>
      <dt>Next rotation</dt><dd>${page.nextRotation ? when(page.nextRotation) : page.desired === 'identity' ? 'none (not encrypting)' : 'once the current migration ends'} <span class="muted small">(every ${Math.round(page.rotationMs / 86_400_000 * 10) / 10} days)</span></dd>
    </dl>
    <h3>Keys</h3>
    ${page.keys.length === 0 ? html`<p class="muted">No key: values are stored in plaintext.</p>` : html`<table class="keys">
      <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Use</th><th scope="col">Created</th><th scope="col">Promoted</th></tr></thead>
      <tbody>${page.keys.map((k) => html`<tr data-key=${k.name}><td>${k.name}</td><td>${k.type}${k.keyId ? html` <small>(key ID ${k.keyId})</small>` : ''}</td><td>${k.role === 'write' ? html`<strong>write</strong>` : 'read'}</td><td>${when(k.created)}</td><td>${when(k.promoted)}</td></tr>`)}</tbody>
    </table>`}
    ${page.pending && html`<p>Key <strong>${page.pending.name}</strong> (${page.pending.type}) is being added (since ${when(page.pending.addedAt)}).</p>`}
    <h3>Migration</h3>
    ${mig ? html`<p>To <code>${mig.writeKey}</code>, started ${when(mig.startedAt)}${mig.finishedAt ? `, finished ${when(mig.finishedAt)}` : ', running'}.</p>
      <table class="progress-table"><thead><tr><th scope="col">Resource</th><th scope="col">Rewritten</th></tr></thead>
      <tbody>${Object.entries(mig.progress).map(([r, p]) => html`<tr data-resource=${r}><td>${r}</td><td><${Progress} done=${p.done} total=${p.total} /></td></tr>`)}</tbody></table>
      ${mig.unreadable?.length ? html`<p class="bad">${mig.unreadable.length} values cannot be read with the configured keys, e.g. ${mig.unreadable[0]?.key}.</p>` : ''}`
      : html`<p class="muted">No migration has run.</p>`}
    <h3>Plaintext</h3>
    ${s ? html`<p data-testid="scan-result">Last scan ${when(s.time)} (by ${s.by}): ${s.findings.length === 0 ? html`<span class="good">no plaintext value in the resources OpenShift encrypts</span>`
      : html`<span class="bad">plaintext values in ${s.findings.map((f) => `${f.resource} (${f.plaintext})`).join(', ')}</span>`}</p>`
      : html`<p class="muted">No scan recorded yet (<code>warden encryption scan</code> records one).</p>`}
    ${role !== 'viewer' && html`<button type="button" data-action="scan" disabled=${scan === 'scanning…'} onClick=${() => void scanNow()}>Scan now</button> ${scan ? html`<span role="status">${scan}</span>` : ''}`}
  </section>`;
}
