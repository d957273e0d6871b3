export * from './rank-enterprises';
