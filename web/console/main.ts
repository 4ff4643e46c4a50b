// The console page (Preact with htm: no build step beyond esbuild's bundle, no JSX). It reads
// the operator's API with its session cookie, as any client would, and shows what it is
// allowed to: a viewer gets no action controls (and the API refuses the actions to it anyway).
import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ActionState, Overview } from './types.ts';
import { bytes, MembersTable } from './members.ts';
import { Actions } from './actions.ts';
import { ConditionsList } from './conditions.ts';
import { EventsView, useEvents } from './events.ts';
import { BackupsView } from './backups.ts';
import { HistoryView } from './history.ts';
import { EncryptionView } from './encryption.ts';

const OVERVIEW = '/apis/warden.io/v1/console/overview';
const POLL_MS = 2000;
/** While something runs the overview (and its progress) is read every second. */
const BUSY_POLL_MS = 1000;

type Load = { state: 'loading' } | { state: 'ok'; data: Overview; stale?: string } | { state: 'ended'; message: string } | { state: 'error'; message: string };

async function fetchJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  return { status: res.status, body: (await res.json()) as T };
}

function useOverview(): Load {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    let stopped = false;
    let busy = false;
    let timer: number | undefined;
    const tick = async () => {
      try {
        const { status, body } = await fetchJson<Overview & { message?: string }>(OVERVIEW);
        if (stopped) return;
        if (status === 401) {
          setLoad({ state: 'ended', message: body.message ?? 'your session ended' });
          return; // nothing more to poll
        }
        if (status !== 200) throw new Error(body.message ?? `HTTP ${status}`);
        setLoad({ state: 'ok', data: body });
        busy = body.running.length > 0;
      } catch (err) {
        if (stopped) return;
        setLoad((prev) => (prev.state === 'ok' ? { ...prev, stale: (err as Error).message } : { state: 'error', message: (err as Error).message }));
      }
      timer = window.setTimeout(() => void tick(), busy ? BUSY_POLL_MS : POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);
  return load;
}

async function logout(): Promise<void> {
  await fetch('/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' });
  window.location.reload();
}

function Header({ data }: { data?: Overview }) {
  const c = data?.cluster;
  const verdict = c ? `${c.healthy} of ${c.members} members healthy${c.quorumKept ? '' : ', QUORUM LOST'}` : '';
  return html`<header class="top">
    <h1>etcd-warden</h1>
    ${c && html`<p class=${`verdict ${c.reason === 'AllMembersHealthy' ? 'good' : c.quorumKept ? 'warn' : 'bad'}`} data-testid="verdict">${verdict}</p>`}
    ${data && html`<p class="who">${data.you.name} <span class="role" data-testid="role">${data.you.role}</span>
      <button type="button" class="link" onClick=${() => void logout()}>Log out</button></p>`}
  </header>`;
}

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'history', label: 'History' },
  { id: 'backups', label: 'Backups' },
  { id: 'encryption', label: 'Encryption' },
  { id: 'events', label: 'Events' },
] as const;
type Tab = (typeof TABS)[number]['id'];

function tabOf(hash: string): Tab {
  const id = hash.replace(/^#/, '');
  return TABS.find((t) => t.id === id)?.id ?? 'overview';
}

function useTab(): Tab {
  const [tab, setTab] = useState<Tab>(tabOf(window.location.hash));
  useEffect(() => {
    const on = () => setTab(tabOf(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return tab;
}

function Nav({ tab, warnings }: { tab: Tab; warnings: number }) {
  return html`<nav class="tabs" aria-label="Pages">${TABS.map((t) => html`<a href=${`#${t.id}`} aria-current=${t.id === tab ? 'page' : undefined} data-tab=${t.id}>${t.label}${t.id === 'events' && warnings > 0 ? html` <span class="badge bad small">${warnings}</span>` : ''}</a>`)}</nav>`;
}

function Overview({ d, running, setRunning }: { d: Overview; running: ActionState | undefined; setRunning: (s: ActionState | undefined) => void }) {
  return html`<section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      <${MembersTable} members=${d.members} />
      <p class="operator" data-testid="operator">Operator ${d.operator.leader ? html`<strong>${d.operator.leader}</strong> leads` : 'none leads right now'}${d.operator.leading ? '' : html` (this page is served by ${d.operator.identity})`}.</p>
    </section>
    ${d.alarms.length > 0 && html`<section aria-labelledby="alarms-h"><h2 id="alarms-h">Alarms</h2>
      <ul class="alarms">${d.alarms.map((a) => html`<li class="bad">${a.alarm} on ${a.member}</li>`)}</ul></section>`}
    <section aria-labelledby="running-h">
      <h2 id="running-h">Running now</h2>
      ${d.running.length === 0 ? html`<p class="muted" data-testid="running-none">Nothing is running.</p>` : html`<ul class="running">${d.running.map((o) => html`<li key=${o.id} data-running=${o.kind}>
        <strong>${o.what}</strong>${o.by ? html` <span class="muted small">by ${o.by}</span>` : ''} <span class="muted small">since ${new Date(o.since).toLocaleTimeString()}</span>
        ${o.progress && html`<div><progress max=${Math.max(1, o.progress.total)} value=${o.progress.done} aria-label=${`${o.what}: progress`}></progress> ${o.progress.unit === 'bytes' ? `${bytes(o.progress.done)} of ${bytes(o.progress.total)}` : `${o.progress.done} of ${o.progress.total} ${o.progress.unit}`}</div>`}
        ${o.step && html`<div class="small">${o.step}</div>`}</li>`)}</ul>`}
    </section>
    ${d.you.role !== 'viewer' && html`<${Actions} running=${running} onChange=${setRunning} />`}
    <section aria-labelledby="conditions-h">
      <h2 id="conditions-h">Conditions</h2>
      <${ConditionsList} conditions=${d.conditions} />
    </section>
    <p class="time">Updated ${new Date(d.time).toLocaleTimeString()}</p>`;
}

function App() {
  const load = useOverview();
  const tab = useTab();
  const ev = useEvents();
  const [running, setRunning] = useState<ActionState | undefined>(undefined);
  if (load.state === 'loading') return html`<${Header} /><main><p class="loading">Loading…</p></main>`;
  if (load.state === 'ended') {
    return html`<${Header} /><main><h2>Logged out</h2><p role="alert">${load.message}.</p>
      <p>Run <code>warden console</code> and open the URL it prints to log in again.</p></main>`;
  }
  if (load.state === 'error') return html`<${Header} /><main><p role="alert" class="bad">The operator did not answer: ${load.message}</p></main>`;
  const d = load.data;
  const warnings = ev.events.filter((e) => e.type === 'Warning').length;
  return html`<${Header} data=${d} />
    <${Nav} tab=${tab} warnings=${warnings} />
    <main>
      ${load.stale && html`<p role="status" class="warn">Not current: the last refresh failed (${load.stale}); retrying.</p>`}
      ${tab === 'overview' && html`<${Overview} d=${d} running=${running} setRunning=${setRunning} />`}
      ${tab === 'history' && html`<${HistoryView} />`}
      ${tab === 'backups' && html`<${BackupsView} />`}
      ${tab === 'encryption' && html`<${EncryptionView} role=${d.you.role} />`}
      ${tab === 'events' && html`<${EventsView} events=${ev.events} state=${ev.state} />`}
    </main>`;
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
