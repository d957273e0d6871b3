/**
 * The appliance's HTTP and WebSocket shapes, as the appliance sends them (appliance/README.md,
 * appliance/src/ports/*). Copied, not imported: the PWA talks to the appliance over its protocol only.
 */

export type ApiErrorBody = { error: { code: string; field: string | null; message: string } };

export type User = {
  username: string;
  role: string;
  displayName: string;
  seat: string | null;
};

/** This browser's key enrolled for a user at the appliance (pending at the hub until it syncs). */
export type DeviceEnrolment = {
  deviceId: string;
  userId: string;
  role: string;
  countyCode: string;
  directoryId: string;
};

export type LoginResponse = { token: string; expiresAt: string; user: User };

export const SeatStatus = {
  available: 'available',
  break: 'break',
  wrapUp: 'wrap_up',
  loggedOut: 'logged_out',
} as const;
export type SeatStatus = (typeof SeatStatus)[keyof typeof SeatStatus];

export type CallOutcome = 'answered' | 'abandoned' | 'timed_out' | 'ended' | 'unanswered';

export type StoredCall = {
  id: string;
  direction: 'inbound' | 'outbound';
  caller: string | null;
  callerRaw: string;
  callerName: string | null;
  destination: string;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  queue: string | null;
  queueJoinedAt: string | null;
  agentAnsweredAt: string | null;
  agent: string | null;
  waitSec: number | null;
  talkSec: number | null;
  billsec: number;
  durationSec: number;
  hangupCause: string;
  outcome: CallOutcome;
  kind: string | null;
  orderId: string | null;
  source: 'switch' | 'reconstructed';
  agentLegId: string | null;
  recordingId: string | null;
};

export type CallerOrder = {
  recordId: string;
  countyCode: string;
  status: string;
  itemCode: string;
  /** Absent from appliances older than the console. */
  itemName?: { zh: string; en: string };
  categoryCode: string;
  citizenName: string;
  receivedAt: string;
  lastSatisfaction: number | null;
  openComplaints: number;
};

export type CallerHistory = {
  callsTotal: number;
  calls: StoredCall[];
  orders: CallerOrder[];
  knownName: string | null;
  openCallbacks: number;
};

export type LiveCallState = 'ivr' | 'queued' | 'ringing' | 'talking' | 'dialling';

export type LiveCall = {
  id: string;
  direction: 'inbound' | 'outbound';
  caller: string | null;
  callerRaw: string;
  callerName: string | null;
  startedAt: string;
  state: LiveCallState;
  queue: string | null;
  queuedAt: string | null;
  agent: string | null;
  legId: string | null;
};

export type AgentState = {
  name: string;
  /** mod_callcenter's status: `Available`, `On Break`, `Logged Out`, `Available (On Demand)`. */
  status: string;
  /** mod_callcenter's state: `Waiting`, `Receiving`, `In a queue call`, `Idle`. */
  state: string;
  since: string;
};

export type ScreenPopCaller = { phone: string | null; masked: string; name: string | null };

export type ScreenPopMessage = {
  type: 'screen-pop';
  callId: string;
  arrivedAt: string;
  caller: ScreenPopCaller;
  flags: string[];
  history: CallerHistory | null;
};

export type SmsMessage = {
  id: string;
  [key: string]: unknown;
};

export type ConsoleMessage =
  | ScreenPopMessage
  | { type: 'call'; call: LiveCall }
  | { type: 'call-ended'; callId: string; record: StoredCall | null }
  | { type: 'agent'; agent: AgentState }
  | { type: 'switch'; state: string; kind: string; restarted: boolean }
  | { type: 'dial-result'; callId: string; ok: boolean; reason: string | null }
  | { type: 'sms'; message: SmsMessage };

export type CallbackEntry = {
  callId: string;
  caller: string | null;
  callerRaw: string;
  reason: 'abandoned' | 'timed_out' | 'unanswered';
  createdAt: string;
  doneAt: string | null;
  doneBy: string | null;
};

export type LiveCallsResponse = {
  calls: LiveCall[];
  agents: AgentState[];
  switch: { state: string; kind: string; [key: string]: unknown };
};

export type CallsByPhoneResponse = { phone: string; calls: StoredCall[] };

/** `GET /api/wallboard` (supervisors): the live queues and seats, today's and this week's figures. */
export type WallboardQueue = {
  name: string;
  /** Longest wait first; numbers already masked by the appliance. */
  waiting: Array<{ callId: string; callerMasked: string; waitingSeconds: number }>;
  longestWaitSeconds: number;
};

export type WallboardAgent = {
  name: string;
  status: string;
  state: string;
  /** Null when the switch gave no usable time. */
  sinceSeconds: number | null;
  answeredToday: number;
  handleSecondsToday: number;
};

export type Wallboard = {
  at: string;
  queues: WallboardQueue[];
  agents: WallboardAgent[];
  today: {
    offered: number;
    answered: number;
    /** 0..1, null with nothing offered. */
    answeredWithin15sRate: number | null;
    abandoned: number;
    abandonRate: number | null;
    averageHandleSeconds: number | null;
    averageWaitSeconds: number | null;
  };
  week: { agents: Array<{ name: string; answered: number; averageHandleSeconds: number | null }> };
};
