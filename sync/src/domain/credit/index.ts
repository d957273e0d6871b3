export * from './credit-score';
