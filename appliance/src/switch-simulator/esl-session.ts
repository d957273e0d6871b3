/**
 * One inbound Event Socket connection, as mod_event_socket's listener thread runs it: auth first, then
 * commands one at a time (a command's reply goes out before any event queued meanwhile, and `api` holds
 * that socket's events until it answers), events from a bounded queue, and the disconnect notice on the way out.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '../ports/logger';
import { executeApi, type ApiEnvironment } from './api-commands';
import { parseHangupCause, profileHeaders, type Channel } from './channel';
import { CommandParser, commandHeader, type EslCommand } from './command-parser';
import { serializePlainEvent } from './event-encoding';
import { FrameShaper, type FrameShaping } from './frame-shaper';
import { Subscription } from './subscription';
import { parseEventName, type EventHeader, type SwitchEvent } from './switch-event';
import {
  DISCONNECT_MESSAGE,
  apiResponseFrame,
  authRequestFrame,
  commandReplyFrame,
  disconnectNoticeFrame,
  eventFrame,
  lingerNoticeFrame,
  rawCommandReplyFrame,
} from './wire-frames';

export type SessionLimits = {
  /** Events a listener may have waiting (MAX_QUEUE_LEN). */
  maxQueuedEvents: number;
  /** More than this many lost in a row and the listener is dropped (MAX_MISSED). */
  maxLostEvents: number;
  maxBodyBytes: number;
  maxHeaderBytes: number;
  /** How long a new connection may take to send its first command (read_packet's 25 s). 0: forever. */
  authTimeoutMs: number;
};

export type SessionCounters = { listenersKilled: number; lostEvents: number };

/** What a session needs from the simulator that owns it. */
export type SessionHost = {
  readonly password: string;
  readonly limits: SessionLimits;
  readonly logger: Logger;
  readonly counters: SessionCounters;
  env(): ApiEnvironment;
  shaping(): FrameShaping;
  eventsBeforeReply(): boolean;
  closed(options: { session: EslSession }): void;
};

type Outcome =
  | { kind: 'reply'; text: string }
  | { kind: 'raw'; text: string }
  | { kind: 'api'; body: string }
  | { kind: 'none' }
  | { kind: 'bye'; text: string };

const LOG_LEVELS: Record<string, number> = {
  console: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

export class EslSession {
  readonly id = randomUUID();
  readonly #socket: Socket;
  readonly #host: SessionHost;
  readonly #shaper: FrameShaper;
  readonly #parser: CommandParser;
  readonly #subscription = new Subscription();
  #state: 'auth' | 'ready' | 'closing' | 'closed' = 'auth';
  #commands: EslCommand[] = [];
  #busy = false;
  #draining = false;
  #events: SwitchEvent[] = [];
  #waitingForDrain = false;
  #lost = 0;
  #cancelAuthTimer: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  /** The channel this socket controls after `myevents <uuid>`. */
  #session: Channel | undefined;
  #linger: { seconds: number } | undefined;
  #logging = false;
  #sessionDown = false;

  constructor(options: { socket: Socket; host: SessionHost }) {
    this.#socket = options.socket;
    this.#host = options.host;
    this.#socket.setNoDelay(true);
    this.#shaper = new FrameShaper({ socket: this.#socket, shaping: () => this.#host.shaping() });
    this.#parser = new CommandParser({
      maxBodyBytes: this.#host.limits.maxBodyBytes,
      maxHeaderBytes: this.#host.limits.maxHeaderBytes,
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (error) =>
      this.#host.logger.info(`switch simulator: ESL socket error: ${error.message}`),
    );
    this.#socket.on('close', () => this.#onClose());
  }

  get shaperStats(): { frames: number; writes: number } {
    return this.#shaper.stats;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  /** Sends the auth request and starts listening for events (nothing is delivered before `event`). */
  start(): void {
    this.#write(authRequestFrame());
    const { core } = this.#host.env();
    this.#unsubscribe = core.addEventSink({ sink: (event) => this.#offer(event) });
    const timeout = this.#host.limits.authTimeoutMs;
    if (timeout > 0) {
      this.#cancelAuthTimer = core.scheduler.after({
        ms: timeout,
        run: () => {
          if (this.#state === 'auth') this.#disconnect();
        },
      });
    }
  }

  /** The switch shuts down: tell the client and close (kill_all_listeners). */
  kill(options: { message: string }): void {
    if (this.#state === 'closed') return;
    this.#events = [];
    this.#write(disconnectNoticeFrame({ message: options.message }));
    this.#state = 'closing';
    this.#shaper.end();
  }

  /** Drops the TCP connection without a word, as a crash or a broken network does. */
  destroy(): void {
    this.#socket.destroy();
  }

  #write(text: string): void {
    this.#shaper.write({ data: text });
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const { commands, error } = this.#parser.push({ chunk });
    this.#commands.push(...commands);
    this.#drainCommands();
    if (error) {
      this.#host.logger.error(`switch simulator: refusing a client command: ${error.message}`);
      this.#commands = [];
      this.#write(commandReplyFrame({ replyText: error.message }));
      this.#disconnect();
    }
  }

  #onClose(): void {
    this.#state = 'closed';
    this.#cancelAuthTimer?.();
    this.#unsubscribe?.();
    this.#events = [];
    this.#host.closed({ session: this });
  }

  #drainCommands(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (
        !this.#busy &&
        this.#state !== 'closing' &&
        this.#state !== 'closed' &&
        this.#commands.length > 0
      ) {
        const command = this.#commands.shift();
        if (command === undefined) break;
        this.#busy = true;
        this.#cancelAuthTimer?.();
        this.#handle(command, (outcome) => this.#finish(outcome));
      }
    } finally {
      this.#draining = false;
    }
  }

  #finish(outcome: Outcome): void {
    if (this.#state === 'closed') return;
    const replyFirst = !this.#host.eventsBeforeReply() || outcome.kind === 'api';
    if (!replyFirst) {
      this.#busy = false;
      this.#pumpEvents();
    }
    switch (outcome.kind) {
      case 'reply':
        this.#write(commandReplyFrame({ replyText: outcome.text }));
        break;
      case 'raw':
        this.#write(rawCommandReplyFrame({ headerLines: outcome.text }));
        break;
      case 'api':
        this.#write(apiResponseFrame({ body: outcome.body }));
        break;
      case 'bye':
        this.#write(commandReplyFrame({ replyText: outcome.text }));
        this.#disconnect();
        return;
      case 'none':
        break;
    }
    this.#busy = false;
    this.#pumpEvents();
    this.#drainCommands();
  }

  /** The listener thread ends: queued events are dropped, the notice goes out, the socket closes. */
  #disconnect(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#events = [];
    this.#write(
      disconnectNoticeFrame({ message: DISCONNECT_MESSAGE, controlledSessionUuid: this.#session?.uuid }),
    );
    this.#state = 'closing';
    this.#shaper.end();
  }

  // --------------------------------------------------------------------------------------------- events

  #offer(event: SwitchEvent): void {
    if (this.#state !== 'ready' || !this.#subscription.matches({ event })) return;
    const { limits, counters } = this.#host;
    if (this.#events.length >= limits.maxQueuedEvents) {
      this.#lost++;
      counters.lostEvents++;
      if (this.#lost > limits.maxLostEvents) {
        this.#host.logger.error(
          `switch simulator: dropping ESL listener ${this.id}: lost ${this.#lost} events`,
        );
        counters.listenersKilled++;
        this.#state = 'closing';
        this.#events = [];
        this.#socket.destroy();
      }
      return;
    }
    if (this.#lost > 0) {
      this.#host.logger.error(`switch simulator: listener ${this.id} lost ${this.#lost} events`);
      this.#lost = 0;
    }
    this.#events.push(event);
    this.#pumpEvents();
  }

  #pumpEvents(): void {
    while (!this.#busy && this.#state === 'ready' && this.#events.length > 0 && !this.#shaper.backlogged) {
      const event = this.#events.shift();
      if (event) this.#write(eventFrame({ event, format: this.#subscription.format }));
    }
    if (this.#events.length > 0 && this.#shaper.backlogged && !this.#waitingForDrain) {
      this.#waitingForDrain = true;
      this.#shaper.onDrain({
        callback: () => {
          this.#waitingForDrain = false;
          this.#pumpEvents();
        },
      });
    }
  }

  // ------------------------------------------------------------------------------------------- commands

  #handle(command: EslCommand, done: (outcome: Outcome) => void): void {
    const line = command.line;
    const lower = line.toLowerCase();
    if (lower.startsWith('exit') || line.startsWith('...')) return done({ kind: 'bye', text: '+OK bye' });
    if (this.#state === 'auth') {
      if (lower.startsWith('auth ')) {
        if (line.slice(5) === this.#host.password) {
          this.#state = 'ready';
          return done({ kind: 'reply', text: '+OK accepted' });
        }
        return done({ kind: 'bye', text: '-ERR invalid' });
      }
      return done({ kind: 'reply', text: '-ERR command not found' });
    }
    if (lower.startsWith('filter '))
      return done({ kind: 'reply', text: this.#subscription.filter({ argument: line.slice(7) }) });
    if (this.#session && lower.startsWith('resume')) return done({ kind: 'reply', text: '+OK' });
    if (this.#session !== undefined || lower.startsWith('myevents ')) {
      if (lower.startsWith('connect')) return done(this.#connect());
      if (lower.startsWith('getvar')) {
        const space = line.indexOf(' ');
        const value = space < 0 ? '' : (this.#session?.getVariable({ name: line.slice(space + 1) }) ?? '');
        return done({ kind: 'reply', text: value === '' ? '-ERR command not found' : value });
      }
      if (lower.startsWith('myevents')) return done({ kind: 'reply', text: this.#myEvents(line) });
    }
    if (lower.startsWith('divert_events')) {
      if (this.#session === undefined)
        return done({ kind: 'reply', text: '-ERR not controlling a session.' });
      const onOff = line.slice(13).trim();
      if (onOff === '') return done({ kind: 'reply', text: '-ERR missing value.' });
      return done({
        kind: 'reply',
        text: onOff.toLowerCase() === 'on' ? '+OK events diverted' : '+OK events not diverted',
      });
    }
    if (lower.startsWith('sendmsg')) return done({ kind: 'reply', text: this.#sendmsg(command) });
    if (lower.startsWith('sendevent')) return done({ kind: 'reply', text: this.#sendevent(command) });
    if (lower.startsWith('api ')) return this.#api(line.slice(4), done);
    if (lower.startsWith('bgapi ')) return done(this.#bgapi(command));
    if (lower.startsWith('log')) return done({ kind: 'reply', text: this.#log(line) });
    if (lower.startsWith('linger')) {
      if (this.#session === undefined) return done({ kind: 'reply', text: '-ERR not controlling a session' });
      const seconds = line[6] === ' ' && line.length > 7 ? Number.parseInt(line.slice(7), 10) || 0 : -1;
      this.#linger = { seconds };
      return done({
        kind: 'reply',
        text: seconds === -1 ? '+OK will linger' : `+OK will linger ${seconds} seconds`,
      });
    }
    if (lower.startsWith('nolinger')) {
      if (this.#session === undefined) return done({ kind: 'reply', text: '-ERR not controlling a session' });
      this.#linger = undefined;
      return done({ kind: 'reply', text: '+OK will not linger' });
    }
    if (lower.startsWith('nolog')) {
      const was = this.#logging;
      this.#logging = false;
      return done({ kind: 'reply', text: was ? '+OK no longer logging' : '-ERR not loging' });
    }
    if (lower.startsWith('event')) {
      return done({ kind: 'reply', text: this.#subscription.event({ words: wordsAfterCommand(line) }) });
    }
    if (lower.startsWith('nixevent')) {
      return done({ kind: 'reply', text: this.#subscription.nixEvent({ words: wordsAfterCommand(line) }) });
    }
    if (lower.startsWith('noevents')) {
      this.#events = [];
      return done({ kind: 'reply', text: this.#subscription.noEvents() });
    }
    return done({ kind: 'reply', text: '-ERR command not found' });
  }

  #api(text: string, done: (outcome: Outcome) => void): void {
    const space = text.indexOf(' ');
    const command = space < 0 ? text : text.slice(0, space);
    const args = space < 0 ? undefined : text.slice(space + 1);
    executeApi({
      env: this.#host.env(),
      command,
      args,
      onResult: (body) => done({ kind: 'api', body: body === '' ? '-ERR no reply\n' : body }),
    });
  }

  #bgapi(command: EslCommand): Outcome {
    const text = command.line.slice(6);
    const space = text.indexOf(' ');
    const apiCommand = space < 0 ? text : text.slice(0, space);
    const args = space < 0 ? undefined : text.slice(space + 1);
    const jobUuid = commandHeader({ command, name: 'job-uuid' }) ?? randomUUID();
    const owner = this.#session?.uuid ?? '';
    const env = this.#host.env();
    // The job runs "in its own thread": after this reply, on the simulator clock.
    env.core.scheduler.after({
      ms: 0,
      run: () =>
        executeApi({
          env,
          command: apiCommand,
          args,
          onResult: (body) => {
            const event = env.core
              .createEvent({
                name: 'BACKGROUND_JOB',
                source: { file: 'mod_event_socket.c', func: 'api_exec', line: 1572 },
              })
              .add({ 'Job-UUID': jobUuid, 'Job-Owner-UUID': owner, 'Job-Command': apiCommand });
            if (args !== undefined) event.add({ 'Job-Command-Arg': args });
            if (body !== '') event.body({ text: body });
            env.core.fire({ event });
          },
        }),
    });
    return { kind: 'raw', text: `Reply-Text: +OK Job-UUID: ${jobUuid}\nJob-UUID: ${jobUuid}\n\n` };
  }

  #sendmsg(command: EslCommand): string {
    const { core } = this.#host.env();
    let uuid: string | undefined = command.line.slice(7).trim();
    if (uuid === '') uuid = commandHeader({ command, name: 'session-id' });
    if (uuid !== undefined && uuid === this.#session?.uuid) uuid = undefined;
    const channel = uuid === undefined || uuid === '' ? this.#session : core.channel({ uuid });
    if (channel === undefined) return `-ERR invalid session id [${uuid ?? ''}]`;
    const callCommand = (commandHeader({ command, name: 'call-command' }) ?? '').toLowerCase();
    if (callCommand === 'execute') {
      const name = commandHeader({ command, name: 'execute-app-name' }) ?? '';
      const data = commandHeader({ command, name: 'execute-app-arg' }) ?? command.body ?? '';
      const eventUuid = commandHeader({ command, name: 'event-uuid' });
      if (name !== '') core.executePrivate({ channel, name, data, eventUuid });
    } else if (callCommand === 'hangup') {
      const cause = commandHeader({ command, name: 'hangup-cause' }) ?? 'NORMAL_CLEARING';
      core.hangup({ channel, cause: parseHangupCause({ name: cause }) ?? 'NORMAL_CLEARING' });
    } else if (callCommand !== '') {
      this.#host.logger.info(`switch simulator: sendmsg call-command ${callCommand} is not simulated`);
    }
    return '+OK';
  }

  #sendevent(command: EslCommand): string {
    const { core } = this.#host.env();
    const eventUuid = randomUUID();
    const word = command.line.slice(9).trim();
    const name = parseEventName({ word }) ?? 'CLONE';
    const subclass = name === 'CUSTOM' ? commandHeader({ command, name: 'Event-Subclass' }) : undefined;
    const uniqueId = commandHeader({ command, name: 'unique-id' });
    // An event for a channel goes to that channel's queue, not out to listeners.
    if (uniqueId !== undefined && core.channel({ uuid: uniqueId })) return `+OK ${eventUuid}`;
    const base = core.createEvent({
      name,
      subclass,
      source: { file: 'mod_event_socket.c', func: 'parse_command', line: 1780 },
    });
    const own: EventHeader[] = [['Command', command.line], ...command.headers, ['Event-UUID', eventUuid]];
    // prep_for_delivery appends the standard headers after the ones the client sent.
    const standard = base.build().headers;
    const event: SwitchEvent = { name, subclass, headers: [...own, ...standard], body: command.body };
    core.fire({ event });
    return `+OK ${eventUuid}`;
  }

  #log(line: string): string {
    const level = line.slice(3).trim().split(' ')[0] ?? '';
    const value = level === '' ? 7 : /^[0-7]$/.test(level) ? Number(level) : LOG_LEVELS[level.toLowerCase()];
    if (value === undefined) return '-ERR invalid log level';
    this.#logging = true;
    return `+OK log level ${level} [${value}]`;
  }

  #myEvents(line: string): string {
    if (this.#subscription.myEvents) return '-ERR aready enabled.';
    const { core } = this.#host.env();
    if (this.#session === undefined) {
      const rest = line.slice(9).trim();
      const space = rest.indexOf(' ');
      const uuid = space < 0 ? rest : rest.slice(0, space);
      const format =
        space < 0
          ? undefined
          : rest
              .slice(space + 1)
              .trim()
              .toLowerCase();
      const channel = core.channel({ uuid });
      if (channel === undefined && format !== undefined) return '-ERR invalid uuid';
      if (channel) this.#control(channel);
      if (format === 'plain' || format === 'json' || format === 'xml') this.#subscription.format = format;
    }
    this.#subscription.enableMyEvents({ uuid: this.#session?.uuid });
    if (/xml/i.test(line)) this.#subscription.format = 'xml';
    if (/json/i.test(line)) this.#subscription.format = 'json';
    return '+OK Events Enabled';
  }

  /** This socket now controls the channel: it closes (or lingers) when the channel hangs up. */
  #control(channel: Channel): void {
    this.#session = channel;
    const { core } = this.#host.env();
    core.onChannelHangup({
      channel,
      run: () => {
        // read_packet notices the hang-up after sending what is queued; events fired later may miss the socket.
        core.scheduler.after({ ms: 0, run: () => this.#sessionHungUp() });
      },
    });
  }

  #sessionHungUp(): void {
    const channel = this.#session;
    if (channel === undefined || this.#sessionDown || this.#state !== 'ready') return;
    this.#sessionDown = true;
    if (this.#linger === undefined) {
      this.#disconnect();
      return;
    }
    this.#write(
      lingerNoticeFrame({ uuid: channel.uuid, channelName: channel.name, lingerTime: this.#linger.seconds }),
    );
    if (this.#linger.seconds >= 0) {
      this.#host
        .env()
        .core.scheduler.after({ ms: this.#linger.seconds * 1000, run: () => this.#disconnect() });
    }
  }

  /** `connect`: the channel's data as one header block with the reply in it and no Content-Length. */
  #connect(): Outcome {
    const channel = this.#session;
    const { core } = this.#host.env();
    const builder = core.createEvent({
      name: 'CHANNEL_DATA',
      source: { file: 'mod_event_socket.c', func: 'parse_command', line: 1905 },
    });
    if (channel) {
      builder.addAll(profileHeaders({ prefix: 'Channel', profile: channel.profile, times: channel.times }));
      builder.addAll(channel.eventHeaders({ withVariables: true }));
    }
    builder.add({
      'Content-Type': 'command/reply',
      'Reply-Text': '+OK\n',
      'Socket-Mode': 'async',
      Control: 'full',
    });
    this.#write(serializePlainEvent({ event: builder.build() }));
    return { kind: 'none' };
  }
}

function wordsAfterCommand(line: string): string[] {
  const space = line.indexOf(' ');
  if (space < 0) return [];
  return line.slice(space + 1).split(' ');
}
