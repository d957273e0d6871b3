import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { DrizzleRecordStore } from './drizzle-record-store';

/** Emscripten errno values (WASI numbering, not Node's). */
const wasiEinval = 28;
const wasiEio = 29;

/**
 * A RecordStore in embedded PGlite: the appliance's and the hub's default store.
 *
 * Durability (the port promises an append survives kill -9 once acknowledged). PGlite 0.5.17 starts
 * postgres with `-F` (fsync off), and its Node filesystem turns fsync/fdatasync into no-ops. Opening
 * from a data dir therefore (1) drops `-F` and sets `fsync=on`, `synchronous_commit=on`, (2) picks
 * `wal_sync_method=fsync`, the one method that reaches the filesystem's fsync hook, and (3) installs that
 * hook as a real fsync(2). Every commit's WAL write goes out through write(2) before the query answers,
 * which is what survives kill -9; (3) is what survives a power cut.
 */
export class PgliteRecordStore extends DrizzleRecordStore {
  /** Opens (creating if needed) a store in a data directory on disk; closing the store closes the database. */
  static async open(options: { dataDir: string }): Promise<PgliteRecordStore> {
    const pglite = await PgliteRecordStore.openDatabase(options);
    try {
      return await PgliteRecordStore.#create({ pglite, owned: true });
    } catch (error) {
      await pglite.close();
      throw error;
    }
  }

  /**
   * Opens a PGlite on a data directory with the durability described above, for a process that shares
   * one database between this store and its own tables (then `attach` the store to it).
   */
  static async openDatabase(options: { dataDir: string }): Promise<PGlite> {
    const pglite = await PGlite.create({
      dataDir: options.dataDir,
      relaxedDurability: false,
      startParams: [
        ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
        ...['-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_sync_method=fsync'],
      ],
    });
    try {
      // Only a plain path is NODEFS; memory:// and idb:// have nothing to fsync.
      if (!options.dataDir.includes('://')) installRealFsync({ pglite });
      return pglite;
    } catch (error) {
      await pglite.close();
      throw error;
    }
  }

  /**
   * A store over a PGlite the caller owns (an in-memory one in tests, or the appliance's shared one);
   * closing the store leaves the database open. Durability is whatever that instance was opened with.
   */
  static async attach(options: { pglite: PGlite }): Promise<PgliteRecordStore> {
    return PgliteRecordStore.#create({ pglite: options.pglite, owned: false });
  }

  static async #create(options: { pglite: PGlite; owned: boolean }): Promise<PgliteRecordStore> {
    const { pglite, owned } = options;
    const db = drizzle({ client: pglite });
    await DrizzleRecordStore.createSchema({ db });
    return new PgliteRecordStore({ db, onClose: () => (owned ? pglite.close() : Promise.resolve()) });
  }
}

/** Gives PGlite's Node filesystem the fsync it lacks (see the class comment). */
function installRealFsync(options: { pglite: PGlite }): void {
  const nodefs: unknown = options.pglite.Module.NODEFS;
  const streamOps: unknown =
    typeof nodefs === 'object' && nodefs !== null && 'stream_ops' in nodefs ? nodefs.stream_ops : undefined;
  if (typeof streamOps !== 'object' || streamOps === null) {
    throw new Error('PGlite has no NODEFS stream_ops: cannot make fsync durable (PGlite version changed?)');
  }
  if ('fsync' in streamOps && typeof streamOps.fsync === 'function') return; // a PGlite that syncs by itself
  Object.assign(streamOps, {
    fsync(stream: { nfd?: unknown }): number {
      if (typeof stream.nfd !== 'number') return 0;
      try {
        fsyncSync(stream.nfd);
        return 0;
      } catch (error) {
        // EINVAL is how Linux answers fsync on some directories; postgres tolerates it there. Anything
        // else is a failed flush, which postgres must see (it then stops rather than lose data).
        const code = error instanceof Error && 'code' in error ? error.code : undefined;
        return code === 'EINVAL' ? wasiEinval : wasiEio;
      }
    },
  });
}
