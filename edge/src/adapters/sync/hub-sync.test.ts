import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { describeHubSync } from './hub-sync.suite';

// The same suite runs on PGlite and PostgreSQL 15 in hub-sync.pg.test.ts.
describeHubSync({ name: 'memory', openStore: () => MemoryRecordStore.open() });
