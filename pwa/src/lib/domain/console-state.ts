import type { AgentState, CallerHistory, ConsoleMessage, LiveCall, ScreenPopMessage } from '../api/types';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A screen pop as the console shows it: the appliance's message plus what happened to the call since. */
export type ScreenPop = ScreenPopMessage & {
  /** The call ended (hung up, abandoned): the pop stays until closed, marked as over. */
  ended: boolean;
  /** The history came from this device's cache because the appliance sent none. */
  historyFromCache: boolean;
};

export type ConsoleState = {
  connection: ConnectionState;
  switchState: { state: string; kind: string } | null;
  calls: LiveCall[];
  agents: AgentState[];
  /** The pop on screen; null when none or closed (Esc). */
  pop: ScreenPop | null;
  /** Pops of calls still in progress, newest first, so closing one can show the next. */
  pops: ScreenPop[];
  /** Bumped on every `call-ended`, so the callback list knows to reload. */
  endedCalls: number;
};

export const MAX_POPS = 20;

export function initialConsoleState(): ConsoleState {
  return {
    connection: 'connecting',
    switchState: null,
    calls: [],
    agents: [],
    pop: null,
    pops: [],
    endedCalls: 0,
  };
}

/** Folds one `/ws/console` message into the state. Pure: the socket and the tests both drive it. */
export function applyConsoleMessage(state: ConsoleState, message: ConsoleMessage): ConsoleState {
  switch (message.type) {
    case 'screen-pop': {
      const pop: ScreenPop = { ...message, ended: false, historyFromCache: false };
      const pops = [pop, ...state.pops.filter((p) => p.callId !== message.callId)].slice(0, MAX_POPS);
      return { ...state, pop, pops };
    }
    case 'call': {
      const others = state.calls.filter((call) => call.id !== message.call.id);
      return { ...state, calls: [...others, message.call].sort(byStart) };
    }
    case 'call-ended': {
      const markEnded = (pop: ScreenPop): ScreenPop =>
        pop.callId === message.callId ? { ...pop, ended: true } : pop;
      return {
        ...state,
        calls: state.calls.filter((call) => call.id !== message.callId),
        pop: state.pop === null ? null : markEnded(state.pop),
        // An ended call's pop is kept only while it is the one on screen.
        pops: state.pops.filter((pop) => pop.callId !== message.callId),
        endedCalls: state.endedCalls + 1,
      };
    }
    case 'agent': {
      const others = state.agents.filter((agent) => agent.name !== message.agent.name);
      return {
        ...state,
        agents: [...others, message.agent].sort((a, b) => a.name.localeCompare(b.name)),
      };
    }
    case 'switch':
      return { ...state, switchState: { state: message.state, kind: message.kind } };
    case 'dial-result':
    case 'sms':
      return state;
  }
}

/**
 * A (re)connected socket: the appliance sends a snapshot of calls and seats at once, so what this console
 * knew may be stale and is dropped. Pops stay: they are what the call-taker is reading.
 */
export function resetForSnapshot(state: ConsoleState): ConsoleState {
  return { ...state, connection: 'open', calls: [], agents: [] };
}

/** Esc: closes the pop on screen and shows the next call still in progress, if any. */
export function closePop(state: ConsoleState): ConsoleState {
  if (state.pop === null) return state;
  const closed = state.pop.callId;
  const pops = state.pops.filter((pop) => pop.callId !== closed);
  const live = new Set(state.calls.map((call) => call.id));
  return { ...state, pops, pop: pops.find((pop) => live.has(pop.callId)) ?? null };
}

/** The pop has no history (the appliance's lookup failed or was slow): show this device's cached one. */
export function withCachedHistory(
  state: ConsoleState,
  options: { callId: string; history: CallerHistory },
): ConsoleState {
  const fill = (pop: ScreenPop): ScreenPop =>
    pop.callId === options.callId && pop.history === null
      ? { ...pop, history: options.history, historyFromCache: true }
      : pop;
  return { ...state, pop: state.pop === null ? null : fill(state.pop), pops: state.pops.map(fill) };
}

/** The call F2 answers: the pop's call if it still rings, else the oldest ringing or queued inbound call. */
export function callToAnswer(state: ConsoleState): LiveCall | undefined {
  const waiting = state.calls.filter(
    (call) => call.direction === 'inbound' && (call.state === 'ringing' || call.state === 'queued'),
  );
  const popped = state.pop === null ? undefined : waiting.find((call) => call.id === state.pop?.callId);
  return popped ?? waiting.find((call) => call.state === 'ringing') ?? waiting[0];
}

function byStart(a: LiveCall, b: LiveCall): number {
  return a.startedAt.localeCompare(b.startedAt);
}
