export * from './inspection-lifecycle';
