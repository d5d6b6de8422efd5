/**
 * Hand-written readers for untrusted JSON (no zod in the domain package). Every failure throws
 * `DomainError('BAD_INPUT', …, { field })` where `field` is a path such as `units[3].departmentCode`.
 */
import { DomainError } from '../errors.ts';
import type { TimeLimit, TimeLimitUnit } from '../calendar/work-calendar.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export function failField(field: string, message: string): never {
  throw new DomainError('BAD_INPUT', `${field}: ${message}`, { field });
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

export function readObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    failField(field === '' ? '$' : field, 'expected an object');
  }
  return value as JsonObject;
}

export function readArray(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) failField(field === '' ? '$' : field, 'expected an array');
  return value;
}

export function readString(obj: JsonObject, key: string, base: string, pattern?: RegExp): string {
  const field = joinPath(base, key);
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') failField(field, 'expected a non-empty string');
  if (pattern && !pattern.test(value)) failField(field, `"${value}" does not match ${String(pattern)}`);
  return value;
}

export function readOptionalString(
  obj: JsonObject,
  key: string,
  base: string,
  pattern?: RegExp,
): string | undefined {
  return obj[key] === undefined ? undefined : readString(obj, key, base, pattern);
}

export function readEnum<T extends string>(
  obj: JsonObject,
  key: string,
  base: string,
  allowed: readonly T[],
): T {
  const field = joinPath(base, key);
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    failField(field, `expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function readStringArray(obj: JsonObject, key: string, base: string): readonly string[] {
  const field = joinPath(base, key);
  return readArray(obj[key], field).map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      failField(joinPath(field, i), 'expected a non-empty string');
    }
    return item;
  });
}

const TIME_LIMIT_UNITS: readonly TimeLimitUnit[] = ['working_hours', 'working_days', 'calendar_hours'];

export function readTimeLimit(value: unknown, field: string): TimeLimit {
  const obj = readObject(value, field);
  const amount = obj['amount'];
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    failField(joinPath(field, 'amount'), 'expected a positive number');
  }
  return { amount, unit: readEnum(obj, 'unit', field, TIME_LIMIT_UNITS) };
}

/** Throws naming `field` when `code` was already seen; otherwise records it. */
export function ensureUnique(seen: Set<string>, code: string, field: string): void {
  if (seen.has(code)) failField(field, `duplicate code "${code}"`);
  seen.add(code);
}
