// Node-only adapters shared by the appliance and the hub processes.
export * from './device-key-file';
export * from './http-service';
export * from './json-http';
export * from './scrypt-password';
export type { Logger } from '../../ports/logger';
export type { Service } from '../../ports/service';
