import { getCsrfToken, ServerError, type ServerErrorData } from './trpc';

/** Upload one photo: raw bytes to `POST /api/attachments`, returns its sha256. */
export async function uploadAttachment(file: File): Promise<{ sha256: string; mime: string; size: number }> {
  const res = await fetch('/api/attachments', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'x-csrf-token': getCsrfToken() ?? '',
      'content-type': file.type || 'application/octet-stream',
    },
    body: file,
  });
  if (!res.ok) {
    // the server's coded refusal (e.g. not an image) is shown in the person's language by `useErrorText`
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; fields?: ServerErrorData['fields'] };
    } | null;
    const code =
      body?.error?.code === 'BAD_INPUT'
        ? 'BAD_REQUEST'
        : (body?.error?.code ?? (res.status === 413 ? 'PAYLOAD_TOO_LARGE' : undefined));
    throw new ServerError(body?.error?.message ?? `upload failed (${res.status})`, {
      code,
      httpStatus: res.status,
      fields: body?.error?.fields ?? [],
    });
  }
  return (await res.json()) as { sha256: string; mime: string; size: number };
}

export const attachmentUrl = (sha: string) => `/api/attachments/${sha}`;
