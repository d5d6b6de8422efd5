export * from './rank-units.ts';
