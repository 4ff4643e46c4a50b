// The members table: health, leader, learner, version, DB size and in use against the quota (a
// bar), fragmentation, and how far each member's applied index lags the leader's.
import { html } from 'htm/preact';
import type { MemberRow } from './types.ts';

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

function SpaceBar({ m }: { m: MemberRow }) {
  if (!m.dbSize) return html`<span class="muted">—</span>`;
  const of = m.quota ?? m.dbSize;
  const used = Math.min(100, (m.dbSizeInUse / of) * 100);
  const file = Math.min(100, (m.dbSize / of) * 100);
  const label = `${bytes(m.dbSizeInUse)} in use of a ${bytes(m.dbSize)} file${m.quota ? `, quota ${bytes(m.quota)}` : ''}`;
  return html`<div class="space" role="img" aria-label=${label} title=${label}>
      <div class="bar"><span class="file" style=${`width:${file.toFixed(1)}%`}></span><span class="used" style=${`width:${used.toFixed(1)}%`}></span></div>
      <span class="nums">${bytes(m.dbSizeInUse)} / ${bytes(m.dbSize)}${m.quota ? html` <span class="muted">of ${bytes(m.quota)}</span>` : ''}</span>
    </div>`;
}

export function MembersTable({ members }: { members: MemberRow[] }) {
  return html`<table class="members">
    <thead><tr>
      <th scope="col">Member</th><th scope="col">Health</th><th scope="col">Role</th><th scope="col">Version</th>
      <th scope="col">Space (in use / file)</th><th scope="col">Fragmented</th><th scope="col">Applied index</th>
    </tr></thead>
    <tbody>${members.map((m) => html`<tr key=${m.id} data-member=${m.name} data-healthy=${String(m.healthy)}>
      <th scope="row">${m.name}<div class="muted small">${m.endpoint || m.id}</div></th>
      <td>${m.healthy ? html`<span class="badge good">healthy</span>` : html`<span class="badge bad">unhealthy</span><div class="small">${m.error ?? ''}</div>`}</td>
      <td>${m.leader ? html`<span class="badge leader">leader</span>` : m.learner ? html`<span class="badge">learner</span>` : 'follower'}</td>
      <td>${m.version ?? html`<span class="muted">—</span>`}</td>
      <td><${SpaceBar} m=${m} /></td>
      <td>${m.dbSize ? `${m.fragmentation}%` : html`<span class="muted">—</span>`}</td>
      <td>${m.raftAppliedIndex || html`<span class="muted">—</span>`}${m.lag ? html` <span class="warn small">(${m.lag} behind)</span>` : ''}</td>
    </tr>`)}</tbody>
  </table>`;
}
