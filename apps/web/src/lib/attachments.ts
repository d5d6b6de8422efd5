import { getCsrfToken } from './trpc';

/** Upload one photo: raw bytes to `POST /api/attachments`, returns its sha256. */
export async function uploadAttachment(file: File): Promise<{ sha256: string; mime: string; size: number }> {
  const res = await fetch('/api/attachments', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-csrf-token': getCsrfToken() ?? '', 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `upload failed (${res.status})`);
  }
  return (await res.json()) as { sha256: string; mime: string; size: number };
}

export const attachmentUrl = (sha: string) => `/api/attachments/${sha}`;
