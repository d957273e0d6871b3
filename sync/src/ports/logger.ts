/** Where adapters report what operators need to see; `console` fits, and tests pass a recorder. */
export interface Logger {
  info(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}
