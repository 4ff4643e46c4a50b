// What the operator's console API answers, as the page reads it: the one definition is
// src/console/api.ts (types only), shared with the server.
export type {
  BackupsPage, Condition, EncryptionPage, History, MemberRow, Overview, ResourceCoverage, Role, RunningOp, SetRow, WardenEvent,
} from '../../src/console/api.ts';

/** An action the page started: what, and how it went. */
export interface ActionState {
  name: string;
  state: 'running' | 'succeeded' | 'failed';
  message?: string;
}
