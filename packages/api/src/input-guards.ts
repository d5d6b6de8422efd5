import { DomainError } from '@citygrid/domain';

/**
 * The path of the first string (value or key) in `value` that holds U+0000, or null. PostgreSQL
 * stores no NUL in text or jsonb (SQLite does), so no backend gets one: both refuse it the same way,
 * as bad input naming the field, before any procedure runs.
 */
export function nulFieldOf(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(input)' : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k.includes('\u0000')) return at;
    const found = nulFieldOf(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws `BAD_INPUT` naming the field when `value` holds a NUL character anywhere. */
export function refuseNul(value: unknown): void {
  const field = nulFieldOf(value);
  if (field) throw new DomainError('BAD_INPUT', 'text may not contain the NUL character (U+0000)', { field });
}
