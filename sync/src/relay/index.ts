// ws-host.ts is left out on purpose: it needs Node (`ws`, `node:http`); import it from './relay/ws-host'.
export * from './frame-stats';
export * from './record-policy';
export * from './sync-client';
export * from './sync-logger';
export * from './sync-server';
export * from './websocket-connector';
export * from './yjs-room';
