export * from './normalize-phone.ts';
