export * from './credit-code';
export * from './enterprise';
