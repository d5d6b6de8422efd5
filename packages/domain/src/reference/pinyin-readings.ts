/**
 * Pinyin initials of class names and caller phrases, where the pinyin library's default reading is
 * wrong for the word (polyphones). Everything not listed here must equal the library's initials —
 * `reference-data.test.ts` checks every class name and phrase against pinyin-pro.
 */
export const DELIBERATE_INITIALS: Readonly<Record<string, string>> = {
  // 行 reads xíng in 行道树 (street tree), not háng
  行道树: 'xds',
};

/** Initials as stored in the reference data: lower-case a–z only, other characters dropped. */
export const cleanInitials = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
