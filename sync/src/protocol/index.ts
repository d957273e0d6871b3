export * from './frames';
export * from './protocol-error';
export * from './recording-relay';
