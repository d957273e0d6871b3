import type { Service } from './service';

/**
 * One event from the switch, as the Event Socket delivers it (`event json`): flat string headers, the
 * channel variables as `variable_<name>`, and the body when there is one. Everything in it came over the
 * network: treat every value as hostile text.
 */
export type SwitchEvent = {
  readonly name: string;
  /** `Event-Subclass` of a CUSTOM event, e.g. `callcenter::info`. */
  readonly subclass: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
};

export const SwitchLinkState = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
  stopped: 'stopped',
} as const;
export type SwitchLinkState = (typeof SwitchLinkState)[keyof typeof SwitchLinkState];

export type SwitchStatus = {
  readonly state: SwitchLinkState;
  /** The switch's `Core-UUID`: a new one after a switch restart. */
  readonly coreUuid: string | undefined;
  /** `simulator` when the appliance runs its own switch simulator (no real FreeSWITCH configured). */
  readonly kind: 'freeswitch' | 'simulator';
  readonly address: string;
  readonly connectedAt: string | undefined;
  readonly lastEventAt: string | undefined;
  readonly reconnects: number;
  readonly eventsReceived: number;
  /** Events that arrived but could not be understood (bad JSON, no name): logged and counted, never fatal. */
  readonly eventsRejected: number;
  /** Why the last connection failed or was dropped (refused, wrong password, silence, garbage). */
  readonly lastError: string | undefined;
};

export type SwitchListener = {
  /** Every event, in the order the switch sent them. */
  readonly onEvent: (event: SwitchEvent) => void;
  /**
   * After every (re)connection, once the subscription is in place: the moment to resynchronise, since events
   * sent while the link was down are gone. `restarted` is true when the `Core-UUID` changed (every channel
   * the switch had is gone).
   */
  readonly onConnected: (options: { coreUuid: string | undefined; restarted: boolean }) => void;
};

/**
 * Telephony control: the FreeSWITCH Event Socket in production, the same protocol against the switch
 * simulator in tests, demos and training. Commands reject with an Error whose message is the switch's reply
 * (e.g. `-ERR Agent not found!`).
 */
export interface CallControl extends Service {
  status(): SwitchStatus;
  /** Registers the one listener (the call service); call before `start()`. */
  listen(listener: SwitchListener): void;
  /** `api <command>`: waits for the result (an `-ERR …` result rejects). */
  api(options: { command: string }): Promise<string>;
  /** `bgapi <command>`: the result of the background job (e.g. `originate`, which takes as long as ringing). */
  bgapi(options: { command: string; timeoutMs?: number }): Promise<string>;
  /** `sendmsg <uuid>` with `call-command: execute`: runs a dialplan application on a live channel. */
  execute(options: { uuid: string; app: string; arg: string }): Promise<void>;
}
