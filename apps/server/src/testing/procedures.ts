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
  // dotted path to procedure: read each one's definition without trusting the static type
  return Object.entries(appRouter._def.procedures).map(([path, p]) => {
    const def: unknown = Reflect.get(Object(p), '_def');
    const type: unknown = Reflect.get(Object(def), 'type');
    const inputs: unknown = Reflect.get(Object(def), 'inputs');
    if (type !== 'query' && type !== 'mutation' && type !== 'subscription')
      throw new Error(`${path}: unknown procedure type ${String(type)}`);
    return { path, type, inputs: Array.isArray(inputs) ? (inputs as ProcedureInfo['inputs']) : [] };
  });
}
