export * from './identity-number';
export * from './worker';
