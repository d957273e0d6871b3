// Times PGlite's fsync calls, without changing what they do. PgliteRecordStore.openDatabase installs a real
// fsync(2) in PGlite's Node filesystem (durable commits); it runs synchronously on the appliance's one
// thread, so a slow disk stops everything else, the screen pop included, for as long as each call takes.
import type { PGlite } from '@electric-sql/pglite';

export type FsyncStats = { calls: number; totalMs: number; maxMs: number; over50ms: number };

export class FsyncProbe {
  #stats: FsyncStats = { calls: 0, totalMs: 0, maxMs: 0, over50ms: 0 };

  /** Wraps the installed fsync; false when PGlite has none to wrap (then nothing is timed). */
  install(pglite: PGlite): boolean {
    const nodefs: unknown = pglite.Module.NODEFS;
    const ops: unknown =
      typeof nodefs === 'object' && nodefs !== null && 'stream_ops' in nodefs ? nodefs.stream_ops : undefined;
    if (typeof ops !== 'object' || ops === null || !('fsync' in ops) || typeof ops.fsync !== 'function')
      return false;
    const original = ops.fsync as (...args: unknown[]) => unknown;
    Object.assign(ops, {
      fsync: (...args: unknown[]): unknown => {
        const at = performance.now();
        try {
          return original(...args);
        } finally {
          const took = performance.now() - at;
          this.#stats.calls += 1;
          this.#stats.totalMs += took;
          this.#stats.maxMs = Math.max(this.#stats.maxMs, took);
          if (took > 50) this.#stats.over50ms += 1;
        }
      },
    });
    return true;
  }

  /** The calls since the previous take(). */
  take(): FsyncStats {
    const stats = this.#stats;
    this.#stats = { calls: 0, totalMs: 0, maxMs: 0, over50ms: 0 };
    return stats;
  }
}
