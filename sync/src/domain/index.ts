/**
 * The pure domain of the service centre: no IO, so it runs the same in Node, in the browser and in
 * tests. Everything a record's home and every replica need to agree on lives here.
 */
export * from './catalogue';
export * from './closing';
export * from './complaint';
export * from './credit';
export * from './directory';
export * from './dispatch';
export * from './enterprise';
export * from './errors';
export * from './hlc';
export * from './ids';
export * from './inspection';
export * from './lifecycle';
export * from './money';
export * from './order';
export * from './phone';
export * from './qualifications';
export * from './regions';
export * from './roles';
export * from './training';
export * from './worker';
