/** The citizen pages talk to `/api/citizen` with plain fetch (no session, no tRPC client: a small bundle). */
export interface CatalogClass {
  code: string;
  name: string;
  nameEn: string;
}
export interface Catalog {
  categories: Array<{ code: string; name: string; nameEn: string; classes: CatalogClass[] }>;
  communities: Array<{ code: string; ring: Array<[number, number]> }>;
}
export interface ReportPayload {
  idempotencyKey: string;
  lang: 'zh' | 'mn' | 'en';
  minorClassCode: string;
  description: string;
  location: { lat: number; lng: number; coordSystem: 'wgs84' | 'gcj02' | 'bd09' };
  phone: string | null;
  publicOk: boolean;
  photos: string[];
}
/** The public timeline as the server builds it (types only: nothing of the server enters the bundle). */
import type { PublicTimeline } from '@citygrid/api';
export type { PublicStep, PublicTimeline } from '@citygrid/api';

/** A refusal from the server (`reason` is a message key) or `network` when nothing came back. */
export class CitizenApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

async function request<T>(method: string, path: string, body?: unknown, raw?: Blob): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/citizen${path}`, {
      method,
      headers: raw
        ? { 'content-type': raw.type || 'application/octet-stream' }
        : body !== undefined
          ? { 'content-type': 'application/json' }
          : {},
      body: raw ?? (body !== undefined ? JSON.stringify(body) : null),
    });
  } catch (e) {
    throw new CitizenApiError(0, 'network', null, e instanceof Error ? e.message : 'network error');
  }
  const json = (await res.json().catch(() => null)) as {
    error?: { reason?: string; field?: string | null; message?: string };
  } | null;
  if (!res.ok) {
    const err = json?.error;
    throw new CitizenApiError(
      res.status,
      err?.reason ?? (res.status >= 500 ? 'generic' : 'bad_input'),
      err?.field ?? null,
      err?.message ?? `HTTP ${res.status}`,
    );
  }
  return json as T;
}

export const citizenApi = {
  catalog: () => request<Catalog>('GET', '/catalog'),
  uploadPhoto: (blob: Blob) => request<{ sha256: string }>('POST', '/photos', undefined, blob),
  submit: (p: ReportPayload) =>
    request<{ trackingCode: string; replayed: boolean; outsideGrid: boolean }>('POST', '/reports', p),
  track: (code: string) => request<PublicTimeline>('GET', `/track/${encodeURIComponent(code)}`),
  rate: (code: string, satisfaction: number) =>
    request<PublicTimeline>('POST', `/track/${encodeURIComponent(code)}/rating`, { satisfaction }),
  photoUrl: (code: string, sha: string) => `/api/citizen/track/${encodeURIComponent(code)}/photos/${sha}`,
};
