import { join } from 'node:path';
import type { RecordStore } from '@jiazheng/sync/storage';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { PostgresRecordStore } from '@jiazheng/sync/storage/postgres';

/**
 * The hub's record store: PostgreSQL when a database URL is configured (a hub that outgrew one box),
 * else embedded PGlite in `<dataDir>/records`. Returns a description for the start-up banner, without
 * the URL's credentials.
 */
export async function openHubRecordStore(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<{ store: RecordStore; description: string }> {
  if (options.databaseUrl !== undefined) {
    const store = await PostgresRecordStore.open({ connectionString: options.databaseUrl });
    return { store, description: `PostgreSQL ${redact(options.databaseUrl)}` };
  }
  const dir = join(options.dataDir, 'records');
  return { store: await PgliteRecordStore.open({ dataDir: dir }), description: `PGlite ${dir}` };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
