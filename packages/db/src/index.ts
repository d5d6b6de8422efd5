export * from './client.ts';
export * from './writer.ts';
export * from './schema/index.ts';
export * from './stores/case-types.ts';
export * from './stores/case-store.ts';
export * from './stores/user-store.ts';
export * from './stores/reference-store.ts';
export * from './checkpointer.ts';
