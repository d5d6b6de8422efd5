import type { Services } from '../services/index.ts';
export interface Open311Request { method: string; path: string; query: Record<string, string | string[] | undefined>; body: Record<string, unknown>; baseUrl: string }
export interface Open311Response { status: number; contentType: string; body: string }
export async function handleOpen311(_s: Services, _r: Open311Request): Promise<Open311Response> {
  return { status: 501, contentType: 'application/json', body: '[]' };
}
