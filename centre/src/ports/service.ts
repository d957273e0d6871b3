// The same port for every process: defined once in sync.
export type { Service } from '@jiazheng/sync/node';
