// The Backups page: the sets on disk and in the bucket on a timeline and in a table (size,
// revision, encrypted, complete), the point-in-time window, the schedule and retention, and the
// exact command that restores a chosen set or time.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { usePoll } from './poll.ts';
import { bytes } from './members.ts';
import type { BackupsPage, SetRow } from './types.ts';

const API = '/apis/warden.io/v1/console/backups';

/** A set's time from its name (YYYY-MM-DD_HHMMSS, UTC). */
export function setTime(ts: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})(\d{2})(\d{2})$/.exec(ts);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : NaN;
}

function duration(ms: number): string {
  const h = ms / 3600_000;
  return h >= 48 ? `${Math.round(h / 24)} days` : h >= 1 ? `${Math.round(h)} h` : `${Math.round(ms / 60_000)} min`;
}

function Timeline({ page, now }: { page: BackupsPage; now: number }) {
  const times = page.sets.map((s) => setTime(s.timestamp)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return html`<p class="muted">No backup set yet.</p>`;
  const from = Math.min(...times);
  const span = Math.max(60_000, now - from);
  const x = (t: number) => 20 + ((t - from) / span) * 760;
  const windows = page.window.windows.map((w) => {
    const start = setTime(w.backup);
    return { ...w, x1: x(start), x2: x(w.toTime ?? now) };
  });
  const label = `${page.sets.length} backup sets from ${new Date(from).toLocaleString()} to now${windows.length ? `; point-in-time window${windows.length > 1 ? 's' : ''} shown as bars` : ''}`;
  return html`<svg class="timeline" viewBox="0 0 800 70" role="img" aria-label=${label}>
    <line x1="20" y1="40" x2="780" y2="40" class="axis" />
    ${windows.map((w) => html`<rect x=${w.x1} y="30" width=${Math.max(2, w.x2 - w.x1)} height="20" class="window"><title>point in time: revisions ${w.from} to ${w.to}</title></rect>`)}
    ${page.sets.map((s) => html`<circle cx=${x(setTime(s.timestamp))} cy=${s.where === 'local' ? 34 : 46} r="5" class=${`set ${s.where} ${s.complete ? '' : 'incomplete'}`}><title>${s.timestamp} (${s.where})</title></circle>`)}
    <text x="20" y="66" class="tick">${new Date(from).toLocaleString()}</text>
    <text x="780" y="66" class="tick" text-anchor="end">now</text>
  </svg>`;
}

export function BackupsView() {
  const { data: page, error } = usePoll<BackupsPage>(API, 10_000);
  const [chosen, setChosen] = useState<SetRow | undefined>(undefined);
  const [time, setTime2] = useState('');
  if (error && !page) return html`<p role="alert" class="bad">Could not read the backups: ${error}</p>`;
  if (!page) return html`<p class="loading">Loading…</p>`;
  if (!page.configured) return html`<section aria-labelledby="backups-h"><h2 id="backups-h">Backups</h2><p>This operator was started without <code>--backup-dir</code>: it takes no backups and shows none.</p></section>`;
  const r = page.retention;
  const pitTime = time ? new Date(time) : undefined;
  return html`<section aria-labelledby="backups-h">
    <h2 id="backups-h">Backups</h2>
    <dl class="facts">
      <dt>Directory</dt><dd><code>${page.dir}</code>${page.encrypted ? ' (encrypted to age recipients)' : ''}</dd>
      ${page.s3 && html`<dt>Bucket</dt><dd><code>${page.s3}</code>${page.s3Error ? html` <span class="bad">(${page.s3Error})</span>` : ''}</dd>`}
      <dt>Schedule</dt><dd>${page.schedule ? html`<code>${page.schedule}</code>` : 'none (on demand only)'}</dd>
      ${r && html`<dt>Retention</dt><dd>${[r.count ? `${r.count} sets` : '', r.totalBytes ? bytes(r.totalBytes) : '', r.maxAgeMs ? duration(r.maxAgeMs) : ''].filter(Boolean).join(', ') || 'none'}</dd>`}
      <dt>Point in time</dt><dd>${page.revisionLog ? (page.window.windows.length ? page.window.windows.map((w) => html`<div data-testid="pit-window">revisions ${w.from} to ${w.to}${w.toTime ? ` (to ${new Date(w.toTime).toLocaleString()})` : ''}, from backup ${w.backup}</div>`) : 'the revision log has no window yet') : 'off (operator --revision-log)'}</dd>
    </dl>
    <${Timeline} page=${page} now=${Date.now()} />
    ${page.warnings.map((w) => html`<p class="warn small">${w}</p>`)}
    <table class="sets">
      <thead><tr><th scope="col">Time</th><th scope="col">Where</th><th scope="col">Revision</th><th scope="col">Size</th><th scope="col">Encrypted</th><th scope="col">State</th><th scope="col"><span class="sr-only">Restore</span></th></tr></thead>
      <tbody>${page.sets.map((s) => html`<tr data-set=${s.timestamp} data-where=${s.where} aria-selected=${chosen === s ? 'true' : undefined}>
        <td>${s.timestamp}</td><td>${s.where === 's3' ? 'bucket' : 'disk'}</td>
        <td>${s.revision ?? html`<span class="muted">${s.encrypted ? 'encrypted' : '—'}</span>`}</td>
        <td>${bytes(s.size)}</td><td>${s.encrypted ? 'yes (age)' : 'no'}</td>
        <td>${!s.complete ? html`<span class="bad">incomplete</span>` : s.dirty ? html`<span class="warn">possibly dirty</span>` : html`<span class="good">verified when taken</span>`}</td>
        <td>${s.complete && html`<button type="button" class="link" data-restore=${s.timestamp} onClick=${() => setChosen(s)}>How to restore</button>`}</td>
      </tr>`)}</tbody>
    </table>
    ${chosen && html`<div class="command" data-testid="restore-command"><p>To restore set ${chosen.timestamp} (${chosen.where === 's3' ? 'from the bucket' : 'from disk'}), run on the admin machine:</p><pre><code>${chosen.restore}</code></pre><p class="muted small">Try it first with <code>--dry-run</code>. It stops every member, restores this set and brings the members back.</p></div>`}
    ${page.pointInTime && page.window.windows.length > 0 && html`<div class="pit">
      <label>Restore to a time <input type="datetime-local" step="1" value=${time} onInput=${(e: Event) => setTime2((e.target as HTMLInputElement).value)} data-testid="pit-time" /></label>
      ${pitTime && !Number.isNaN(pitTime.getTime()) && html`<pre data-testid="pit-command"><code>${page.pointInTime} ${pitTime.toISOString().replace(/\.000Z$/, 'Z')}</code></pre>`}
    </div>`}
  </section>`;
}
