export * from './period-closing';
