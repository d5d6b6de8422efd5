import { citizenApi, CitizenApiError, type ReportPayload } from './api';

/**
 * Reports are written to this phone first (localStorage) and removed only once the server has
 * answered: a report made without signal waits here and is sent when the connection returns. The
 * idempotency key is fixed when the report is written, so a report sent twice (a lost answer, two
 * tabs) is still one case.
 */
export interface PendingReport {
  payload: Omit<ReportPayload, 'photos'>;
  /** Shrunk photos as JPEG data URLs (uploaded when sending; uploads are content-addressed). */
  photos: string[];
  savedAt: string;
}

const KEY = 'citizen.outbox.v1';

export function pendingReports(): PendingReport[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as PendingReport[];
  } catch {
    return [];
  }
}
function write(list: PendingReport[]): void {
  localStorage.setItem(KEY, JSON.stringify(list));
  window.dispatchEvent(new Event('citizen-outbox'));
}
export function keep(p: PendingReport): void {
  write([...pendingReports().filter((x) => x.payload.idempotencyKey !== p.payload.idempotencyKey), p]);
}
export function drop(key: string): void {
  write(pendingReports().filter((x) => x.payload.idempotencyKey !== key));
}

async function dataUrlToBlob(url: string): Promise<Blob> {
  const [head = '', b64 = ''] = url.split(',');
  const mime = /data:([^;]+)/.exec(head)?.[1] ?? 'image/jpeg';
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

/** Upload the photos and submit; resolves with the tracking code. */
export async function sendReport(p: PendingReport): Promise<string> {
  const shas: string[] = [];
  for (const url of p.photos) shas.push((await citizenApi.uploadPhoto(await dataUrlToBlob(url))).sha256);
  const r = await citizenApi.submit({ ...p.payload, photos: shas });
  return r.trackingCode;
}

let flushing: Promise<void> | null = null;

/**
 * Send every kept report, one pass at a time (and one tab at a time where Web Locks exist). A report
 * leaves the phone on success or on a refusal that retrying cannot fix; a lost connection or a rate
 * limit leaves it for the next pass.
 */
export function flushOutbox(
  onSent: (p: PendingReport, code: string) => void,
  onRefused: (p: PendingReport, e: CitizenApiError) => void,
): Promise<void> {
  if (flushing) return flushing;
  const pass = async () => {
    for (const p of pendingReports()) {
      try {
        const code = await sendReport(p);
        drop(p.payload.idempotencyKey);
        onSent(p, code);
      } catch (e) {
        if (e instanceof CitizenApiError && !e.isNetwork && e.status !== 429 && e.status < 500) {
          drop(p.payload.idempotencyKey);
          onRefused(p, e);
        } else {
          return; // still offline or busy: try again when the connection returns
        }
      }
    }
  };
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  const run: Promise<void> =
    // one tab at a time sends the outbox; `request` resolves with what `pass` resolved with
    (locks ? locks.request('citizen-outbox', pass).then(() => undefined) : pass()).finally(() => {
      flushing = null;
    });
  flushing = run;
  return run;
}

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
