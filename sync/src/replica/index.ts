export * from './home-service';
export * from './local-writes';
export * from './replica-policy';
export * from './sync-peer';
