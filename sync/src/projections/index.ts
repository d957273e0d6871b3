export * from './project-record';
export * from './projection-schema';
export * from './projector';
