// The operator's events, live: an EventSource on the console's stream (server-sent events),
// which sends the recent ones and then each new one as it is recorded; filterable by type,
// source and text.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { WardenEvent } from './types.ts';

const STREAM = '/apis/warden.io/v1/console/events';
/** Events kept in the page (the operator keeps 500). */
const KEEP = 500;

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** The events the stream sent so far (oldest first) and whether it is connected. */
export function useEvents(): { events: WardenEvent[]; state: StreamState } {
  const [events, setEvents] = useState<WardenEvent[]>([]);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    const seen = new Set<string>();
    const source = new EventSource(STREAM);
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    source.addEventListener('warden-event', (m: MessageEvent<string>) => {
      // A reconnect sends the backlog again: each event once.
      if (m.lastEventId && seen.has(m.lastEventId)) return;
      if (m.lastEventId) seen.add(m.lastEventId);
      const e = JSON.parse(m.data) as WardenEvent;
      setEvents((prev) => [...prev, e].slice(-KEEP));
    });
    return () => source.close();
  }, []);
  return { events, state };
}

export function EventsView({ events, state }: { events: WardenEvent[]; state: StreamState }) {
  const [type, setType] = useState('');
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const sources = [...new Set(events.map((e) => e.source))].sort();
  const needle = text.trim().toLowerCase();
  const shown = events
    .filter((e) => (!type || e.type === type) && (!source || e.source === source) && (!needle || `${e.reason} ${e.message}`.toLowerCase().includes(needle)))
    .slice()
    .reverse();
  return html`<section aria-labelledby="events-h">
    <h2 id="events-h">Events <span class=${`small ${state === 'live' ? 'good' : 'warn'}`} data-testid="stream-state">${state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…'}</span></h2>
    <div class="filters">
      <label>Type <select value=${type} onChange=${(e: Event) => setType((e.target as HTMLSelectElement).value)} data-filter="type">
        <option value="">all</option><option value="Normal">Normal</option><option value="Warning">Warning</option></select></label>
      <label>Source <select value=${source} onChange=${(e: Event) => setSource((e.target as HTMLSelectElement).value)} data-filter="source">
        <option value="">all</option>${sources.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Text <input type="search" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} data-filter="text" /></label>
      <span class="muted small">${shown.length} of ${events.length}</span>
    </div>
    <table class="events">
      <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Source</th><th scope="col">Reason</th><th scope="col">Message</th></tr></thead>
      <tbody>${shown.map((e) => html`<tr data-reason=${e.reason} data-type=${e.type}>
        <td class="small">${new Date(e.time).toLocaleString()}</td>
        <td>${e.type === 'Warning' ? html`<span class="badge bad">Warning</span>` : 'Normal'}</td>
        <td>${e.source}</td><td>${e.reason}</td><td>${e.message}</td></tr>`)}</tbody>
    </table>
  </section>`;
}
