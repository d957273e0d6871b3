/** Where the relay reports what operators need to see; `console` fits, tests pass a recorder. */
export interface SyncLogger {
  info(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

export const silentLogger: SyncLogger = { info: () => {}, error: () => {} };
