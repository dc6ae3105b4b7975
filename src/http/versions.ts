import { type ApiError, apiError } from '../errors/api-error.js';

/** API versions (SPEC §1): 32.0–66.0 supported, 20.0–31.0 retired (410), anything else 404. */
export const MIN_VERSION = 32;
export const MAX_VERSION = 66;
const RETIRED_MIN = 20;

const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** 32.0 = "Winter '15", then Winter, Spring, Summer each year. */
export function versionLabel(major: number): string {
  const offset = major - 32;
  const season = SEASONS[((offset % 3) + 3) % 3] as string;
  // Each Winter opens a new label year; Spring and Summer keep it.
  const year = 15 + Math.floor(offset / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export type VersionCheck =
  | { kind: 'ok'; version: string; major: number }
  | { kind: 'retired'; version: string }
  | { kind: 'unknown' };

/** Checks a path segment such as `v36.0`. */
export function checkVersion(segment: string): VersionCheck {
  const match = /^v(\d{2})\.0$/.exec(segment);
  if (!match) return { kind: 'unknown' };
  const major = Number(match[1]);
  if (major >= MIN_VERSION && major <= MAX_VERSION) return { kind: 'ok', version: `${major}.0`, major };
  if (major >= RETIRED_MIN && major < MIN_VERSION) return { kind: 'retired', version: `${major}.0` };
  return { kind: 'unknown' };
}

/**
 * The version stage of SPEC §2, the one place it is decided: a retired version is 410 (whatever
 * the path), any other unserved one 404.
 */
export function versionRefusal(check: Exclude<VersionCheck, { kind: 'ok' }>): ApiError {
  return check.kind === 'retired'
    ? apiError('GONE_VERSION', { version: check.version })
    : apiError('NOT_FOUND');
}

export function supportedVersions(): { label: string; url: string; version: string }[] {
  const list = [];
  for (let major = MIN_VERSION; major <= MAX_VERSION; major++) {
    list.push({ label: versionLabel(major), url: `/services/data/v${major}.0`, version: `${major}.0` });
  }
  return list;
}
