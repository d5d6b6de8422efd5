import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasExif, stripImageMetadata } from './photo-metadata.ts';
import { generateTrackingCode, normalizeTrackingCode, TRACKING_CODE_PATTERN } from './tracking-code.ts';

const ascii = (s: string) => Buffer.from(s, 'latin1');
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, ascii(type), data, Buffer.alloc(4)]); // CRC not checked by the stripper
}

describe('stripping photo metadata', () => {
  it('removes eXIf and text chunks from a PNG and keeps the image chunks in order', () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(1, 0);
    ihdr.writeUInt32BE(1, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', ihdr),
      pngChunk('eXIf', ascii('MM\0*GPSLatitude 43.93')),
      pngChunk('tEXt', ascii('Comment\0taken at home')),
      pngChunk('IDAT', deflateSync(Buffer.from([0, 1, 2, 3]))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    const out = Buffer.from(stripImageMetadata(png, 'image/png'));
    expect(hasExif(png)).toBe(true);
    expect(hasExif(out)).toBe(false);
    expect(out.toString('latin1')).not.toContain('taken at home');
    const types: string[] = [];
    for (let i = 8; i < out.length;) {
      const len = out.readUInt32BE(i);
      types.push(out.toString('latin1', i + 4, i + 8));
      i += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('removes EXIF and XMP chunks from a WebP, clears their flags and fixes the RIFF size', () => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.write(type, 0, 'latin1');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const vp8x = Buffer.alloc(10);
    vp8x[0] = 0x08 | 0x04; // EXIF and XMP present
    const body = Buffer.concat([
      ascii('WEBP'),
      chunk('VP8X', vp8x),
      chunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0])),
      chunk('EXIF', ascii('Exif\0\0GPS')),
      chunk('XMP ', ascii('<x:xmpmeta/>')),
    ]);
    const riff = Buffer.concat([ascii('RIFF'), Buffer.alloc(4), body]);
    riff.writeUInt32LE(body.length, 4);
    const out = Buffer.from(stripImageMetadata(riff, 'image/webp'));
    expect(out.toString('latin1')).not.toContain('EXIF');
    expect(out.toString('latin1')).not.toContain('xmpmeta');
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
    expect(out[20]! & 0x0c).toBe(0);
  });

  it('refuses a JPEG whose segments run past its end', () => {
    expect(() =>
      stripImageMetadata(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0x40, 0x00, 1, 2]), 'image/jpeg'),
    ).toThrow(/past the end/);
  });
});

describe('tracking codes', () => {
  it('are 12 Crockford base32 characters from random bytes, and read back as typed by a person', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateTrackingCode()));
    expect(codes.size).toBe(2000);
    for (const c of codes) expect(c).toMatch(TRACKING_CODE_PATTERN);
    expect(normalizeTrackingCode('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN');
    expect(normalizeTrackingCode('O1IL ABCD EFGH')).toBe('0111ABCDEFGH');
    expect(normalizeTrackingCode('ABCDEFGHJKMU')).toBeNull(); // U is not in the alphabet
    expect(normalizeTrackingCode('ABCD')).toBeNull(); // too short
  });
});
