/** The services, one module each; `compose.ts` wires them. */
export * from './auth-service.ts';
export * from './case-service.ts';
export * from './clock.ts';
export * from './dashboard-service.ts';
export * from './reference-service.ts';
export * from './attachment-service.ts';
export * from './evaluation-export.ts';
export * from './admin-service.ts';
export * from './report-service.ts';
export * from './report-export.ts';
export * from './csv.ts';
export * from './grid-import-service.ts';
export * from './gazetteer-service.ts';
