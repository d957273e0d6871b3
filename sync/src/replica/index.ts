export * from './device-peer';
export * from './dispatch-candidates';
export * from './home-service';
export * from './local-writes';
export * from './record-digest';
export * from './record-report';
export * from './replica-policy';
export * from './sync-peer';
