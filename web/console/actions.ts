// The actions (operator and admin only): each asks for confirmation, saying what will happen,
// then calls the operator's action API (the same as `curl -X POST .../actions/NAME`), which
// answers when the work is done and records it in the audit trail.
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import type { ActionState } from './types.ts';

interface ActionInfo {
  name: string;
  label: string;
  /** What will happen, shown in the confirmation. */
  what: string;
}

export const ACTIONS: ActionInfo[] = [
  { name: 'backup', label: 'Back up now', what: 'Takes a backup set now (a snapshot from a healthy follower and the keys archive) into the operator\'s backup dir, verified, and uploads it when the operator ships backups.' },
  { name: 'defrag', label: 'Rolling defrag', what: 'Defragments every member one at a time, followers first and the leader last (leadership moved away first), waiting for each to be healthy again. Writes pause briefly on each member.' },
  { name: 'rotate', label: 'Rotate the key', what: 'Adds a new encryption key, makes it the write key once every API server has it, and rewrites every encrypted value with it.' },
  { name: 'space-recover', label: 'Recover space', what: 'Compacts the history, defragments every member and clears a NOSPACE alarm, as the NOSPACE runbook does.' },
];

interface ActionAnswer {
  message?: string;
  info?: { timestamp: string; revision: number };
  results?: unknown[];
  compactedRevision?: number;
}

/** Pure: one line for what an action answered. */
export function summary(name: string, body: ActionAnswer): string {
  if (name === 'backup' && body.info) return `backup ${body.info.timestamp}, revision ${body.info.revision}`;
  if (name === 'defrag' && body.results) return `${body.results.length} members defragmented`;
  if (name === 'space-recover' && body.compactedRevision !== undefined) return `compacted up to revision ${body.compactedRevision}, every member defragmented`;
  return body.message ?? 'done';
}

async function run(name: string): Promise<ActionState> {
  try {
    const res = await fetch(`/apis/warden.io/v1/actions/${name}`, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{}',
    });
    const body = (await res.json()) as ActionAnswer;
    if (!res.ok) return { name, state: 'failed', message: body.message ?? `HTTP ${res.status}` };
    return { name, state: 'succeeded', message: summary(name, body) };
  } catch (err) {
    return { name, state: 'failed', message: (err as Error).message };
  }
}

export function Actions({ running, onChange }: { running: ActionState | undefined; onChange: (s: ActionState | undefined) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [asked, setAsked] = useState<ActionInfo | undefined>(undefined);
  const busy = running?.state === 'running';
  const ask = (a: ActionInfo) => {
    setAsked(a);
    dialog.current?.showModal();
  };
  const confirm = async () => {
    const a = asked;
    dialog.current?.close();
    if (!a) return;
    onChange({ name: a.name, state: 'running' });
    onChange(await run(a.name));
  };
  return html`<section aria-labelledby="actions-h">
    <h2 id="actions-h">Actions</h2>
    <div class="actions">${ACTIONS.map((a) => html`<button type="button" data-action=${a.name} disabled=${busy} onClick=${() => ask(a)}>${a.label}</button>`)}</div>
    ${running && html`<p role="status" data-testid="action-status" class=${running.state === 'failed' ? 'bad' : running.state === 'succeeded' ? 'good' : ''}>
      ${ACTIONS.find((a) => a.name === running.name)?.label}: ${running.state === 'running' ? 'running…' : running.state}${running.message ? ` (${running.message})` : ''}</p>`}
    <dialog ref=${dialog} aria-labelledby="confirm-h" onClose=${() => setAsked(undefined)}>
      <h3 id="confirm-h">${asked?.label}?</h3>
      <p>${asked?.what}</p>
      <div class="buttons">
        <button type="button" onClick=${() => dialog.current?.close()}>Cancel</button>
        <button type="button" class="primary" data-confirm="yes" onClick=${() => void confirm()}>${asked?.label}</button>
      </div>
    </dialog>
  </section>`;
}
