/**
 * A long-running part of a process (HTTP server, ESL connection, sync, the database). Everything
 * long-running is one of these so that start-up, shutdown and restart behave the same everywhere
 * and the composition root can stop them all in reverse order.
 */
export interface Service {
  /** Resolves once the service is ready to be used; rejects if it cannot start. */
  start(): Promise<void>;
  /** Releases everything the service holds and resolves when it has; calling it again is harmless. */
  stop(): Promise<void>;
}
