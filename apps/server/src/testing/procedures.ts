/** Every tRPC procedure the server exposes, by path: the list the access matrix and the fuzzer walk. */
import { appRouter } from '@citygrid/api';

export interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The zod schemas its input passes through, outermost first. */
  inputs: ReadonlyArray<{ safeParse(v: unknown): { success: boolean } }>;
}

export function listProcedures(): ProcedureInfo[] {
  // tRPC types `_def.procedures` as the nested router record, but at run time it is the flat map from
  // dotted path to procedure: the one place the test code has to say so
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo['type']; inputs: ProcedureInfo['inputs'] } }>;
  return Object.entries(procedures).map(([path, p]) => ({ path, type: p._def.type, inputs: p._def.inputs }));
}
