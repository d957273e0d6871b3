import { closingTransitions, Role } from '@jiazheng/sync/domain';
import type { PeriodClosing, PeriodClosingEvent } from '../api/hub-types';

/*
 * Reopening a closed period from the wall board, as pure code: who is offered it, the reason's checks, and
 * what the screen says while the appliance (the closing's home) has not decided yet.
 */

/** The domain's reopenPeriod payload takes a reason of 1–500 characters once trimmed. */
export const REOPEN_REASON_MAX = 500;
/** How long the screen waits for the appliance's decision before saying it is still waiting. */
export const REOPEN_WAIT_MS = 20_000;
/** How often the closings are read again while waiting. */
export const REOPEN_POLL_MS = 1_000;

/** The appliance's session roles as the directory names them (what the closing's rules speak of). */
const directoryRoleOf: Readonly<Record<string, string>> = {
  admin: Role.administrator,
  supervisor: Role.supervisor,
  call_taker: Role.callTaker,
  technician: Role.technician,
};

/**
 * Whether the session's role is offered "reopen" on this closing, by the reducer's own rule: the home
 * would refuse anyone else, so an administrator sees the closings but is not offered it.
 */
export function canReopenPeriod(options: {
  closing: Pick<PeriodClosing, 'status'>;
  role: string | null | undefined;
}): boolean {
  const rule = closingTransitions.reopenPeriod;
  if (rule.from === 'create') return false;
  const role =
    options.role === null || options.role === undefined ? undefined : directoryRoleOf[options.role];
  return (
    role !== undefined &&
    (rule.roles as readonly string[]).includes(role) &&
    rule.from.includes(options.closing.status)
  );
}

export type ReasonCheck =
  { ok: true; reason: string } | { ok: false; field: 'reason'; problem: 'required' | 'tooLong' };

/** The reason as the domain takes it: trimmed, required, at most 500 characters. */
export function checkReopenReason(options: { reason: string }): ReasonCheck {
  const reason = options.reason.trim();
  if (reason === '') return { ok: false, field: 'reason', problem: 'required' };
  if (reason.length > REOPEN_REASON_MAX) return { ok: false, field: 'reason', problem: 'tooLong' };
  return { ok: true, reason };
}

/** This device's proposal as the local store knows it: the home's decision arrives by sync. */
export type ProposalDecision =
  | { outcome: 'pending' }
  | { outcome: 'accepted' }
  | { outcome: 'rejected'; code: string; field: string; message: string };

export type ReopenProgress =
  | { kind: 'reopened' }
  | { kind: 'refused'; code: string; field: string; message: string }
  | { kind: 'waiting' }
  /** Still undecided at the time limit: the proposal stays in the outbox, the appliance decides later. */
  | { kind: 'timedOut' };

/**
 * Where a reopening stands: refused as soon as the home's refusal has synced back; reopened once the
 * appliance lists the closing reopened (or its acceptance has synced back); otherwise waiting, until the
 * time limit. `closings` is null when the appliance could not be read (offline).
 */
export function reopenProgress(options: {
  closingId: string;
  closings: readonly Pick<PeriodClosing, 'id' | 'status'>[] | null;
  decision: ProposalDecision;
  startedAt: number;
  now: number;
  limitMs?: number;
}): ReopenProgress {
  const { decision } = options;
  if (decision.outcome === 'rejected') {
    return { kind: 'refused', code: decision.code, field: decision.field, message: decision.message };
  }
  const listed = options.closings?.find((c) => c.id === options.closingId);
  if (listed?.status === 'reopened' || decision.outcome === 'accepted') return { kind: 'reopened' };
  if (options.now - options.startedAt >= (options.limitMs ?? REOPEN_WAIT_MS)) return { kind: 'timedOut' };
  return { kind: 'waiting' };
}

export type ClosingHistoryRow = {
  action: PeriodClosingEvent['action'];
  at: number;
  /** The person: a console's directory user id (`330106-lead`) shown as the county's username. */
  by: string;
  reason: string | null;
};

/** A closing's history, newest first, for the table under the closings. */
export function closingHistory(options: {
  closing: Pick<PeriodClosing, 'countyCode' | 'history'>;
}): ClosingHistoryRow[] {
  const { countyCode, history } = options.closing;
  const prefix = `${countyCode}-`;
  return history
    .map((event) => ({
      action: event.action,
      at: event.at,
      by: event.by.startsWith(prefix) ? event.by.slice(prefix.length) : event.by,
      reason: event.action === 'reopened' ? event.reason : null,
    }))
    .reverse();
}
