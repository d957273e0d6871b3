export * from './frames';
export * from './protocol-error';
