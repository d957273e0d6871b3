export * from './deadlines';
export * from './order';
export * from './order-command';
