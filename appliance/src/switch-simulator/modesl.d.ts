/** The part of modesl 1.2.1 (plain JavaScript) the simulator's conformance tests use. */
declare module 'modesl' {
  import type { Socket } from 'node:net';

  export class Event {
    type: string;
    headers: Array<{ name: string; value: string | number }>;
    getHeader(name: string): string | number | null;
    getBody(): string;
    getType(): string;
  }

  export class Connection {
    constructor(host: string, port: number, password: string, ready?: () => void);
    socket: Socket | null;
    on(event: 'error', listener: (error: Error) => void): this;
    on(
      event: string,
      listener: (event: Event, headers: Record<string, string | number>, body?: string) => void,
    ): this;
    once(
      event: string,
      listener: (event: Event, headers: Record<string, string | number>, body?: string) => void,
    ): this;
    removeListener(event: string, listener: (event: Event) => void): this;
    sendRecv(command: string, args: Record<string, string> | null, cb?: (event: Event) => void): void;
    api(command: string, cb: (event: Event) => void): void;
    bgapi(command: string, args: string, jobid: string | null, cb: (event: Event) => void): void;
    events(type: string, events: string | string[], cb?: (event: Event) => void): void;
    execute(app: string, arg: string, uuid: string, cb?: (event: Event) => void): string;
    filter(header: string, value: string, cb?: (event: Event) => void): void;
    disconnect(): void;
  }

  const esl: { Connection: typeof Connection; Event: typeof Event };
  export default esl;
}
