export * from './project-record';
export * from './projection-schema';
export * from './projection-service';
export * from './projector';
