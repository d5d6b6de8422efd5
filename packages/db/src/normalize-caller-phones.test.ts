import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '@citygrid/domain';
import { MIGRATIONS_DIR, openDatabase } from './client.ts';

/**
 * Migration 0003 brings caller phone numbers stored before normalisation to the form the domain's
 * `normalizePhoneNumber` gives, so the caller-history lookup finds old cases too.
 */
const dir = mkdtempSync(join(tmpdir(), 'citygrid-phones-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STATEMENTS = readFileSync(join(MIGRATIONS_DIR, '0004_normalize_caller_phones.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter(Boolean);

describe('migration 0004_normalize_caller_phones', () => {
  it('rewrites phone numbers stored as typed into the normal form, and leaves impossible ones as they were', () => {
    const { sqlite, close } = openDatabase(join(dir, 'old.db'));
    sqlite.pragma('foreign_keys = OFF');
    // a row with every required column filled, as an older version would have stored it
    const columns = sqlite.prepare('pragma table_info(cases)').all() as Array<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: unknown;
      pk: number;
    }>;
    const required = columns.filter((c) => c.notnull && c.dflt_value === null && c.name !== 'caller_phone');
    const insert = sqlite.prepare(
      `insert into cases (${[...required.map((c) => c.name), 'caller_phone'].join(', ')}) values (${[...required, 0].map(() => '?').join(', ')})`,
    );
    const typed = [
      '13800000001',
      '138 0000 0001',
      '+86 138-0000-0001',
      '0086 13800000001',
      '0479-8221234',
      '(0479) 822 1234',
      '822 1234',
      '010-62345678',
      '',
    ];
    const impossible = ['123'];
    [...typed, ...impossible].forEach((phone, i) => {
      insert.run(
        ...required.map((c) =>
          c.name === 'case_number'
            ? `20250101-${String(i + 1).padStart(4, '0')}`
            : c.name === 'id'
              ? i + 1
              : c.name === 'reported_at' || c.name === 'updated_at'
                ? '2025-01-01T02:00:00.000Z' // an instant: the day counts' trigger reads its date
                : /INT|REAL/i.test(c.type)
                  ? 1
                  : `x${i}`,
        ),
        phone,
      );
    });
    // the shipped migration already ran on this fresh file; run its statements on the old-style rows
    for (const s of STATEMENTS) sqlite.exec(s);
    const stored = (
      sqlite.prepare('select caller_phone as p from cases order by case_number').all() as Array<{
        p: string | null;
      }>
    ).map((r) => r.p);
    close();
    expect(stored.slice(0, typed.length)).toEqual(
      typed.map((t) => (t === '' ? null : normalizePhoneNumber(t))),
    );
    expect(stored.slice(typed.length)).toEqual(impossible);
  });
});
