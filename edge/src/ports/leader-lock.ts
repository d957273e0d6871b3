/**
 * One lock among every hub process on one database: its holder runs the work that must not run twice
 * (the projection into the statistics' tables, the rollups, the mailed report).
 */
export interface LeaderLock {
  /** True if this process holds the lock now (taken now or held since). Never throws for "held elsewhere". */
  tryAcquire(): Promise<boolean>;
  /** False once the lock is known lost (its database session ended); tryAcquire may take it again. */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}
