/** Longest side of a photo after shrinking on the phone. */
export const MAX_PHOTO_SIDE = 1600;

/**
 * Shrink a photo on the phone before upload: decode (respecting the camera's orientation), draw on a
 * canvas at most MAX_PHOTO_SIDE on its longest side, re-encode as JPEG. Re-encoding through a canvas
 * also drops EXIF, so the phone's GPS position never leaves it inside the file.
 */
export async function shrinkPhoto(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.8);
}
