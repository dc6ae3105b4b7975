/**
 * The key under which text is compared without regard to case or compatibility form: search
 * (`q=über` finds "Über") and the uniqueness of group names (decision 0020). Both stores keep it
 * in a column written with the text, so they compare the very same strings: SQLite's `lower()`
 * folds ASCII letters only, PostgreSQL's follows its locale, and neither equals the other.
 *
 * NFKC first (the ligature "ﬁ" is "fi", full-width "Ｔ" is "T"), then lower, upper and lower case,
 * which together fold more than lower case alone ("ß", "ẞ" and "SS" all become "ss"), final sigma
 * as sigma, and NFC again for what case mapping decomposed. A pure function of the text: the same
 * in every process and release of Node that ships the same Unicode version.
 */
export function searchFold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .replaceAll('ς', 'σ')
    .normalize('NFC');
}

/** `%fold(text)%` for LIKE … escape '\', with LIKE's own characters escaped. */
export function containsPattern(text: string): string {
  return `%${searchFold(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
