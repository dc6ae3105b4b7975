/** Chatter's minimal HTML entity encoding of user-entered text (SPEC §1). */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\\': '&#92;',
};

export function encodeEntities(text: string): string {
  return text.replace(/[&<>"'\\]/g, (ch) => ENTITIES[ch] as string);
}
