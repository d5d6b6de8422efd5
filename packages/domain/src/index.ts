export * from './ids.ts';
export * from './errors.ts';
export * from './case/index.ts';
export * from './calendar/index.ts';
export * from './grid/index.ts';
export * from './reference/index.ts';
export * from './routing/index.ts';
export * from './phone/index.ts';
