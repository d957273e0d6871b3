/**
 * The frames mod_event_socket writes, with the exact header order and texts of its source. `Content-Length`
 * always counts UTF-8 bytes, never string length.
 */
import { type EventFormat, serializeEvent } from './event-encoding';
import type { SwitchEvent } from './switch-event';

/** The notice sent before FreeSWITCH closes a socket: 67 bytes. */
export const DISCONNECT_MESSAGE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
/** Sent to a listener that is closed because the switch shuts down (`kill_all_listeners`). */
export const SHUTDOWN_MESSAGE = 'The system is being shut down.\n';
export const RUDE_REJECTION_MESSAGE = 'Access Denied, go away.\n';

export function authRequestFrame(): string {
  return 'Content-Type: auth/request\n\n';
}

/** A `command/reply` with a one-line `Reply-Text`. */
export function commandReplyFrame(options: { replyText: string }): string {
  return `Content-Type: command/reply\nReply-Text: ${options.replyText}\n\n`;
}

/** A `command/reply` whose headers the command wrote itself (FreeSWITCH's `~` replies, e.g. bgapi). */
export function rawCommandReplyFrame(options: { headerLines: string }): string {
  return `Content-Type: command/reply\n${options.headerLines}`;
}

export function apiResponseFrame(options: { body: string }): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(options.body, 'utf8')}\n\n${options.body}`;
}

export function eventFrame(options: { event: SwitchEvent; format: EventFormat }): string {
  const text = serializeEvent(options);
  return `Content-Length: ${Buffer.byteLength(text, 'utf8')}\nContent-Type: text/event-${options.format}\n\n${text}`;
}

/** `send_disconnect()`: a socket controlling a session also names it. */
export function disconnectNoticeFrame(options: {
  message: string;
  controlledSessionUuid?: string | undefined;
}): string {
  const length = Buffer.byteLength(options.message, 'utf8');
  if (options.controlledSessionUuid !== undefined) {
    return (
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${options.controlledSessionUuid}\n` +
      `Content-Disposition: disconnect\nContent-Length: ${length}\n\n${options.message}`
    );
  }
  return `Content-Type: text/disconnect-notice\nContent-Length: ${length}\n\n${options.message}`;
}

/** Sent instead of closing when a lingering socket's session hangs up. */
export function lingerNoticeFrame(options: {
  uuid: string;
  channelName: string;
  lingerTime: number;
}): string {
  return (
    `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${options.uuid}\n` +
    `Content-Disposition: linger\nChannel-Name: ${options.channelName}\nLinger-Time: ${options.lingerTime}\n` +
    'Content-Length: 0\n\n'
  );
}

export function rudeRejectionFrame(): string {
  return (
    `Content-Type: text/rude-rejection\nContent-Length: ${Buffer.byteLength(RUDE_REJECTION_MESSAGE)}\n\n` +
    RUDE_REJECTION_MESSAGE
  );
}
