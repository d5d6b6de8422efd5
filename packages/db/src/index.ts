export * from './client.ts';
export * from './writer.ts';
export * from './schema/index.ts';
export * from './stores/case-types.ts';
export * from './stores/case-store.ts';
export * from './stores/user-store.ts';
export * from './stores/reference-store.ts';
export * from './stores/citizen-store.ts';
export * from './stores/admin-store.ts';
export * from './checkpointer.ts';
// PostgreSQL (issue 11 foundation): the case-core contract, both implementations, the copy tool
export * from './stores/case-core.ts';
export * from './stores/sqlite-case-core.ts';
export * as pgSchema from './pg/schema.ts';
export * from './pg/client.ts';
export * from './pg/pg-case-store.ts';
export * from './pg/copy-sqlite.ts';
export * from './pg/test-cluster.ts';
export * from './pg/pg-event-follower.ts';
