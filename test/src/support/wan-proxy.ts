import net from 'node:net';

/** A TCP relay between an appliance and the hub: `cut()` drops every connection and refuses new ones. */
export class WanProxy {
  readonly #server = net.createServer((socket) => this.#accept(socket));
  readonly #sockets = new Set<net.Socket>();
  #targetPort: number | null = null;
  #cut = false;

  async listen(): Promise<number> {
    await new Promise<void>((resolveListen) => this.#server.listen(0, '127.0.0.1', resolveListen));
    return (this.#server.address() as net.AddressInfo).port;
  }

  target(port: number): void {
    this.#targetPort = port;
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolveClose) => this.#server.close(() => resolveClose()));
  }

  #accept(socket: net.Socket): void {
    if (this.#cut || this.#targetPort === null) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    const end = (): void => {
      socket.destroy();
      upstream.destroy();
      this.#sockets.delete(socket);
      this.#sockets.delete(upstream);
    };
    for (const s of [socket, upstream]) {
      this.#sockets.add(s);
      s.on('error', end);
      s.on('close', end);
    }
    socket.pipe(upstream);
    upstream.pipe(socket);
  }
}
