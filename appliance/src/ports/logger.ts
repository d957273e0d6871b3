// The same port for every process: defined once in sync.
export type { Logger } from '@jiazheng/sync/node';
