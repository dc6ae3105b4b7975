import { apiError } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import type { ConnectedAppRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { hashToken, randomToken, tokenCharacters } from './secrets.js';
import type { Viewer } from './viewer.js';

interface CachedSession {
  tokenHash: string;
  viewer: Viewer;
  lastUsedAt: number;
  persistedLastUsedAt: number;
  verifiedAt: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  issuedAt: number;
}

/**
 * Access tokens and their sessions (SPEC §4). A verified session is cached in memory so that a
 * request costs no store round trip for authentication in steady state; the cache entry is dropped
 * on revoke, expiry or deactivation, and re-checked against the store after `cacheTtlMs` (other
 * servers sharing the database may have revoked it).
 */
export class SessionService {
  /**
   * By the token itself, so that a request in steady state spends no SHA-256 on it either; the
   * store only ever sees hashes. Oldest first; bounded, as tokens are issued without end.
   */
  readonly #cache = new Map<string, CachedSession>();
  /** last_used_at is written back at most this often: inactivity is measured in minutes, not ms. */
  static readonly TOUCH_INTERVAL_MS = 60_000;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: {
      sessionTimeoutMs: number;
      cacheTtlMs: number;
      /** The most sessions kept verified in memory (10 000 unless set). */
      cacheMax?: number;
    },
  ) {}

  async issue(
    user: UserRecord,
    app: ConnectedAppRecord,
    options: { withRefreshToken: boolean; refreshTokenId?: string },
  ): Promise<IssuedTokens> {
    const now = this.clock.now();
    const accessToken = `${user.orgId.slice(0, 15)}!${tokenCharacters(36)}`;
    let refreshToken: string | undefined;
    let refreshTokenId = options.refreshTokenId ?? null;
    await this.store.transaction(async (tx) => {
      if (options.withRefreshToken) {
        refreshToken = `5Aep${tokenCharacters(48)}`;
        refreshTokenId = randomToken(12);
        await tx.auth.createRefreshToken({
          id: refreshTokenId,
          tokenHash: hashToken(refreshToken),
          orgId: user.orgId,
          userId: user.id,
          appId: app.id,
          issuedAt: now,
          revokedAt: null,
        });
      }
      await tx.auth.createSession({
        tokenHash: hashToken(accessToken),
        orgId: user.orgId,
        userId: user.id,
        appId: app.id,
        refreshTokenId,
        issuedAt: now,
        lastUsedAt: now,
        revokedAt: null,
      });
    });
    return { accessToken, refreshToken, issuedAt: now };
  }

  /** The viewer for a bearer token, or 401 INVALID_SESSION_ID. */
  async verify(token: string): Promise<Viewer> {
    const now = this.clock.now();
    const cached = this.#cache.get(token);
    if (cached && now - cached.verifiedAt < this.options.cacheTtlMs && now >= cached.verifiedAt) {
      if (now - cached.lastUsedAt > this.options.sessionTimeoutMs) return this.#expire(token, now);
      cached.lastUsedAt = now;
      if (now - cached.persistedLastUsedAt > SessionService.TOUCH_INTERVAL_MS) {
        cached.persistedLastUsedAt = now;
        await this.store.auth.touchSession(cached.tokenHash, now);
      }
      return cached.viewer;
    }
    const tokenHash = cached?.tokenHash ?? hashToken(token);
    const session = await this.store.auth.findSession(tokenHash);
    if (!session || session.revokedAt !== null) {
      this.#cache.delete(token);
      throw apiError('INVALID_SESSION_ID');
    }
    const lastUsedAt = Math.max(session.lastUsedAt, cached?.lastUsedAt ?? 0);
    if (now - lastUsedAt > this.options.sessionTimeoutMs) return this.#expire(token, now);
    const user = await this.store.users.find(session.orgId, session.userId);
    if (!user?.isActive) {
      this.#cache.delete(token);
      throw apiError('INVALID_SESSION_ID');
    }
    await this.store.auth.touchSession(tokenHash, now);
    const viewer: Viewer = { user, orgId: user.orgId, appId: session.appId, isGuest: false, tokenHash };
    this.#cache.delete(token);
    if (this.#cache.size >= (this.options.cacheMax ?? 10_000)) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    this.#cache.set(token, { tokenHash, viewer, lastUsedAt: now, persistedLastUsedAt: now, verifiedAt: now });
    return viewer;
  }

  /**
   * An expired session ends for good: it is revoked in the store, so moving the server clock back
   * (or another server with an older view of it) cannot bring it back.
   */
  async #expire(token: string, now: number): Promise<never> {
    this.#cache.delete(token);
    await this.store.auth.revokeSession(hashToken(token), now);
    throw apiError('INVALID_SESSION_ID');
  }

  /** Drops the cached sessions of these token hashes (revoked): one pass over the cache, keyed by token. */
  forgetTokens(tokenHashes: Iterable<string>): void {
    const hashes = new Set(tokenHashes);
    if (hashes.size === 0) return;
    for (const [token, entry] of this.#cache) if (hashes.has(entry.tokenHash)) this.#cache.delete(token);
  }

  /** Drops cached sessions of a user whose record changed (deactivated, renamed, aboutMe). */
  forgetUser(userId: string): void {
    for (const [hash, entry] of this.#cache) if (entry.viewer.user.id === userId) this.#cache.delete(hash);
  }

  /** Keeps cached viewers in step with a user record that changed in this process. */
  refreshUser(user: UserRecord): void {
    for (const entry of this.#cache.values()) if (entry.viewer.user.id === user.id) entry.viewer.user = user;
  }

  clear(): void {
    this.#cache.clear();
  }
}
