export * from './normalize-phone.ts';
export * from './caller-lookup.ts';
