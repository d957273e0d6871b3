import type { AgentState, LiveCall } from '../domain/calls/live-calls';
import type { CallerHistory } from './caller-lookup';
import type { StoredCall } from './call-store';
import type { SmsConsoleMessage } from './sms-store';

/** The caller as a screen shows them: never the full number unless the seat asks for it. */
export type ScreenPopCaller = {
  /** E.164, for dialling back and opening an order; null when withheld or malformed. */
  phone: string | null;
  masked: string;
  name: string | null;
};

/**
 * Messages pushed to the county's consoles (call-takers' and supervisors' PWAs) over `/ws/console`. JSON;
 * every string in them may come from a caller and is shown escaped.
 */
export type ConsoleMessage =
  | {
      type: 'screen-pop';
      callId: string;
      /** When the switch created the call (its own clock). */
      arrivedAt: string;
      caller: ScreenPopCaller;
      flags: string[];
      history: CallerHistory | null;
    }
  | { type: 'call'; call: LiveCall }
  | { type: 'call-ended'; callId: string; record: StoredCall | null }
  | { type: 'agent'; agent: AgentState }
  | { type: 'switch'; state: string; kind: string; restarted: boolean }
  /** An outbound call the console asked for: placed (the seat answered) or not, and why. */
  | { type: 'dial-result'; callId: string; ok: boolean; reason: string | null }
  | SmsConsoleMessage;

export interface ConsolePublisher {
  publish(options: { message: ConsoleMessage }): void;
}
