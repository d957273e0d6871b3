export * from './device-keys';
export * from './home-sequencer';
export * from './propose';
export * from './record-codec';
export * from './record-doc';
export * from './record-kinds';
export * from './record-state';
export * from './record-view';
