/**
 * Salesforce record IDs (SPEC §3, reference/chatter-facts.md §6.1): 15 case-sensitive base-62
 * characters, or 18 = 15 + a checksum that encodes the case of the 15.
 */
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[0-9A-Za-z]+$/;

export const KeyPrefix = {
  org: '00D',
  user: '005',
  community: '0DB',
  group: '0F9',
  groupMember: '0FB',
  joinRequest: '0I5',
  feedElement: '0D5',
  comment: '0D7',
  like: '0I0',
  subscription: '0E8',
  connectedApp: '0Ha',
  file: '069',
  fileVersion: '068',
  topic: '0TO',
  pollChoice: '09A',
  /** Chatter streams and group announcements (F2 §8). */
  stream: '0Fq',
  announcement: '0BT',
  /** A user's or group's photo version (F2 §8: `photoVersionId` "729…"). */
  photo: '729',
} as const;
export type KeyPrefix = (typeof KeyPrefix)[keyof typeof KeyPrefix];

export function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) {
      const ch = id15.charCodeAt(chunk * 5 + j);
      if (ch >= 65 && ch <= 90) bits |= 1 << j;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return suffix;
}

export function to18(id15: string): string {
  return id15 + checksum(id15);
}

/**
 * Parses a 15- or 18-character ID and returns its canonical 15-character form, or undefined when
 * it is malformed. 18-character input is case-insensitive: the case of the 15 is restored from the
 * checksum, and the checksum of the result must match.
 */
export function parseId(raw: string): string | undefined {
  if (!ID_PATTERN.test(raw)) return undefined;
  if (raw.length === 15) return raw;
  if (raw.length !== 18) return undefined;
  const suffix = raw.slice(15).toUpperCase();
  let restored = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = CHECKSUM_ALPHABET.indexOf(suffix[chunk] as string);
    if (bits < 0) return undefined;
    for (let j = 0; j < 5; j++) {
      const ch = raw[chunk * 5 + j] as string;
      const upper = (bits & (1 << j)) !== 0;
      if (upper && !/[A-Za-z]/.test(ch)) return undefined;
      restored += upper ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return checksum(restored) === suffix ? restored : undefined;
}

export function prefixOf(id15: string): string {
  return id15.slice(0, 3);
}
