export * from './identity-number';
export * from './worker';
export * from './worker-lifecycle';
