import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export type SocketBytes = { read: number; written: number; open: number };

/**
 * Counts the bytes on every TCP connection an HTTP server accepts (upgrade requests, WebSocket frame
 * headers and payloads): what actually crossed the wire, as opposed to the frames' own lengths.
 */
export function countSocketBytes(server: Server): () => SocketBytes {
  const sockets = new Set<Socket>();
  const closed = { read: 0, written: 0 };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closed.read += socket.bytesRead;
      closed.written += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  return () => {
    let read = closed.read;
    let written = closed.written;
    for (const socket of sockets) {
      read += socket.bytesRead;
      written += socket.bytesWritten;
    }
    return { read, written, open: sockets.size };
  };
}
