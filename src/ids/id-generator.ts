import { to18 } from './salesforce-id.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Builds a 15-character ID from a key prefix and a sequence number (SPEC §3): prefix + 2-character
 * instance code + '0' + 9 base-62 digits. The sequence comes from the store, so IDs are generated
 * by the application and are the same after every reset.
 */
export function formatId(prefix: string, instance: string, sequence: number): string {
  let digits = '';
  let n = sequence;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  if (n > 0) throw new Error(`ID sequence for ${prefix} is exhausted`);
  return `${prefix}${instance}0${digits}`;
}

export function formatId18(prefix: string, instance: string, sequence: number): string {
  return to18(formatId(prefix, instance, sequence));
}
