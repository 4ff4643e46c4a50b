// The History page: the last 24 hours from the samples the leading operator keeps (one a minute):
// DB size, in use and fragmentation per member, the write rate, leader changes and defrags,
// drawn with uPlot.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { usePoll } from './poll.ts';
import uPlot from 'uplot';
import { bytes } from './members.ts';
import type { History } from './types.ts';

const API = '/apis/warden.io/v1/console/history';
const COLORS = ['#0550ae', '#bc4c00', '#116329', '#8250df', '#a40e26', '#57606a'];

type Series = { label: string; values: (number | null)[] }[];

function Chart({ title, times, series, unit }: { title: string; times: number[]; series: Series; unit: 'bytes' | 'percent' | 'rate' }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || times.length === 0) return;
    const format = (v: number | null): string => (v === null ? '—' : unit === 'bytes' ? bytes(v) : unit === 'percent' ? `${v}%` : `${v}/s`);
    const plot = new uPlot({
      width: Math.max(300, Math.min(900, el.clientWidth || 900)),
      height: 180,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 2, value: (_u: uPlot, v: number | null) => format(v) }))],
      axes: [{}, { values: (_u: uPlot, vals: number[]) => vals.map((v) => format(v)), size: 70 }],
      scales: { x: { time: true } },
    }, [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    return () => plot.destroy();
  }, [times, series, unit]);
  return html`<figure class="chart" data-chart=${title}><figcaption>${title}</figcaption><div ref=${box} role="img" aria-label=${`${title}: ${times.length} samples`}></div></figure>`;
}

export function HistoryView() {
  const { data: h, error } = usePoll<History>(API, 30_000);
  if (!h) return error ? html`<p role="alert" class="bad">Could not read the history: ${error}</p>` : html`<p class="loading">Loading…</p>`;
  if (h.times.length === 0) return html`<section aria-labelledby="history-h"><h2 id="history-h">History</h2><p class="muted">No sample yet: the leading operator takes one every ${Math.round(h.intervalMs / 1000)} s.</p></section>`;
  const per = (pick: (m: History['members'][number]) => (number | null)[]): Series => h.members.map((m) => ({ label: m.name, values: pick(m) }));
  return html`<section aria-labelledby="history-h">
    <h2 id="history-h">History <span class="muted small" data-testid="samples">${h.times.length} samples, the last 24 hours</span></h2>
    <${Chart} title="DB size" times=${h.times} series=${per((m) => m.dbSize)} unit="bytes" />
    <${Chart} title="In use" times=${h.times} series=${per((m) => m.inUse)} unit="bytes" />
    <${Chart} title="Fragmentation" times=${h.times} series=${per((m) => m.fragmentation)} unit="percent" />
    <${Chart} title="Write rate" times=${h.times} series=${[{ label: 'revisions/s', values: h.writeRate }]} unit="rate" />
    <h3>Leader changes</h3>
    ${h.leaderChanges.length === 0 ? html`<p class="muted">None in this window.</p>` : html`<ul data-testid="leader-changes">${h.leaderChanges.map((l) => html`<li>${new Date(l.time).toLocaleString()}: ${l.leader ?? 'no leader'} leads</li>`)}</ul>`}
    <h3>Defragmentations</h3>
    ${h.defrags.length === 0 ? html`<p class="muted">None in this window.</p>` : html`<ul data-testid="defrags">${h.defrags.map((d) => html`<li>${new Date(d.time).toLocaleString()}: ${d.member}, ${bytes(d.from)} to ${bytes(d.to)}</li>`)}</ul>`}
  </section>`;
}
