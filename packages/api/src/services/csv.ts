/**
 * One CSV field for Excel. A text starting with `=`, `+`, `-`, `@`, tab or carriage return would be
 * run as a formula when the file is opened (CSV injection, OWASP): such a field gets a leading
 * apostrophe, which Excel shows as text. Numbers are written as numbers (a negative number is data,
 * not a formula). Fields with quotes, commas or line breaks are quoted.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** UTF-8 with a byte-order mark (Excel reads the Chinese correctly) and CRLF line ends. */
export const csvDocument = (lines: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>) =>
  `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
