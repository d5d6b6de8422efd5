/**
 * Strip metadata (EXIF with its GPS position, XMP, IPTC, comments, text chunks) from JPEG, PNG and
 * WebP images by rewriting their container, without decoding pixels. Citizens' photos are stored
 * stripped; any photo served to the public (e.g. a unit's disposal photo on the tracking page) is
 * stripped again on the way out.
 */

/** JPEG: keep APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform); drop other APPn and COM. */
function stripJpeg(b: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new Error('corrupt JPEG: expected a marker');
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if (m === 0xd9) break;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      out.push(b.subarray(i, i + 2));
      i += 2;
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    const end = i + 2 + len;
    if (len < 2 || end > b.length) throw new Error('corrupt JPEG: segment runs past the end');
    if (m === 0xda) {
      out.push(b.subarray(i)); // start of scan: entropy-coded data to the end
      return concat(out);
    }
    const drop = (m >= 0xe1 && m <= 0xef && m !== 0xe2 && m !== 0xee) || m === 0xfe;
    if (!drop) out.push(b.subarray(i, end));
    i = end;
  }
  out.push(new Uint8Array([0xff, 0xd9]));
  return concat(out);
}

const PNG_DROP = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);
function stripPng(b: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [b.subarray(0, 8)];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 8;
  while (i + 12 <= b.length) {
    const len = view.getUint32(i);
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    const end = i + 12 + len;
    if (end > b.length) throw new Error('corrupt PNG: chunk runs past the end');
    if (!PNG_DROP.has(type)) out.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return concat(out);
}

/** WebP (RIFF): drop EXIF and XMP chunks and clear their flags in VP8X. */
function stripWebp(b: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 12;
  while (i + 8 <= b.length) {
    const type = String.fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
    const len = view.getUint32(i + 4, true);
    const end = i + 8 + len + (len & 1);
    if (i + 8 + len > b.length) throw new Error('corrupt WebP: chunk runs past the end');
    if (type !== 'EXIF' && type !== 'XMP ') {
      const c = b.slice(i, Math.min(end, b.length));
      if (type === 'VP8X') c[8] = c[8]! & ~0x0c; // EXIF (0x08) and XMP (0x04) flags
      chunks.push(c);
    }
    i = end;
  }
  const body = concat(chunks);
  const head = new Uint8Array(12);
  head.set(b.subarray(0, 12));
  new DataView(head.buffer).setUint32(4, body.length + 4, true);
  return concat([head, body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function stripImageMetadata(bytes: Uint8Array, mime: string): Uint8Array {
  if (mime === 'image/jpeg') return stripJpeg(bytes);
  if (mime === 'image/png') return stripPng(bytes);
  if (mime === 'image/webp') return stripWebp(bytes);
  return bytes; // GIF carries no EXIF
}

/** Does the image still carry an EXIF block (for tests and a defensive check before serving)? */
export function hasExif(bytes: Uint8Array): boolean {
  const s = Buffer.from(bytes).toString('latin1');
  return s.includes('Exif\0\0') || s.includes('eXIf') || /EXIF/.test(s.slice(12, 4096));
}
