// The operator's conditions (ClusterHealthy, Encrypted, Backup, ...): status, reason, message.
import { html } from 'htm/preact';
import type { Condition } from './types.ts';

/** Conditions that report a problem when True (Degraded, a gap, low space...); the rest report one when False. */
const PROBLEM_WHEN_TRUE = /(Degraded|Gap|LowSpace|Ratio|Alarm|Failed)$/;
/** Conditions whose False is a choice, not a problem (encryption turned off). */
const NEUTRAL_WHEN_FALSE = new Set(['Encrypted']);

/** Pure: how a condition reads at a glance. */
export function tone(c: Condition): 'good' | 'bad' | '' {
  if (c.status === 'Unknown') return '';
  const problem = PROBLEM_WHEN_TRUE.test(c.type) ? c.status === 'True' : c.status === 'False' && !NEUTRAL_WHEN_FALSE.has(c.type);
  return problem ? 'bad' : c.status === 'True' || PROBLEM_WHEN_TRUE.test(c.type) ? 'good' : '';
}

export function ConditionsList({ conditions }: { conditions: Condition[] }) {
  if (conditions.length === 0) return html`<p class="muted">No condition recorded yet.</p>`;
  return html`<ul class="conditions">${conditions.map((c) => html`<li key=${c.type} data-condition=${c.type}>
    <span class=${`badge ${tone(c)}`}>${c.type}: ${c.status}</span>
    <span class="reason">${c.reason}</span>
    <span class="message">${c.message}</span>
    <span class="muted small">since ${new Date(c.lastTransitionTime).toLocaleString()}</span>
  </li>`)}</ul>`;
}
