import { apiError } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import { LruMap } from '../lib/lru-map.js';
import type { Change, ChangeFeed } from '../store/change-feed.js';
import type { ConnectedAppRecord, UserRecord } from '../store/records.js';
import type { SharedMark } from '../store/shared-mark.js';
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
 * on revoke, expiry or deactivation in this process. Other servers sharing the database may revoke
 * it too: with a change feed (decisions 0031, 0039) their writes drop it as well, and a request
 * uses it only once the feed has caught up with the request's arrival (and not at all while the
 * feed is down); without one, it is re-checked against the store after `cacheTtlMs`.
 */
export class SessionService {
  /**
   * By the token itself, so that a request in steady state spends no SHA-256 on it either; the
   * store only ever sees hashes. Bounded, as tokens are issued without end.
   */
  readonly #cache: LruMap<string, CachedSession>;
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
      /** The store's changes (decisions 0031, 0039); none with --workers on SQLite. */
      changes?: ChangeFeed | undefined;
    },
  ) {
    this.#cache = new LruMap(options.cacheMax ?? 10_000);
    options.changes?.onChange((change) => this.#changed(change));
  }

  #changed(change: Change): void {
    if (change.kind === 'session') this.forgetTokens([change.tokenHash]);
    else if (change.kind === 'user') this.forgetUser(change.userId);
    else if (change.kind === 'all') this.clear();
  }

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

  /**
   * The viewer for a bearer token, or 401 INVALID_SESSION_ID. With a change feed, the viewer
   * carries the feed's mark of this request (`readMark`), so that later reads of the request
   * from caches kept by the same feed wait for it at most once. A batch's subrequests share one
   * mark while they read no store (`shared`, shared-mark.ts).
   */
  async verify(token: string, shared?: SharedMark): Promise<Viewer> {
    const { changes } = this.options;
    if (!changes) return this.#verifyByTtl(token);
    const mark = shared ? shared.take(changes) : changes.mark();
    let cached = this.#cache.get(token);
    if (cached) {
      let caughtUp = changes.caughtUp(mark);
      if (caughtUp !== true && caughtUp !== false) {
        caughtUp = await caughtUp;
        // A change may have dropped it meanwhile.
        cached = this.#cache.get(token);
      }
      // The feed is down: nothing cached may be trusted, and nothing read is kept.
      if (!caughtUp)
        return { ...(await this.#fromStore(token, this.clock.now(), undefined, undefined)), readMark: mark };
      shared?.caughtUp(mark);
      const now = this.clock.now();
      // Looking expired here may only mean that another server saw it used since: the store says.
      if (cached && now - cached.lastUsedAt <= this.options.sessionTimeoutMs) {
        return { ...(await this.#used(cached, now)), readMark: mark };
      }
    }
    const generation = changes.generation;
    const viewer = await this.#fromStore(
      token,
      this.clock.now(),
      cached,
      // Kept only if no change came while reading: the rows read may be older than it.
      () => changes.live && changes.generation === generation,
    );
    return { ...viewer, readMark: mark };
  }

  /** Without a change feed: a cached session is trusted for cacheTtlMs after it was verified. */
  async #verifyByTtl(token: string): Promise<Viewer> {
    const now = this.clock.now();
    const cached = this.#cache.get(token);
    if (cached && now - cached.verifiedAt < this.options.cacheTtlMs && now >= cached.verifiedAt) {
      if (now - cached.lastUsedAt > this.options.sessionTimeoutMs) return this.#expire(token, now);
      return this.#used(cached, now);
    }
    return this.#fromStore(token, now, cached, () => true);
  }

  /** A cached session used now: its last use is written back at most once a minute. */
  async #used(cached: CachedSession, now: number): Promise<Viewer> {
    cached.lastUsedAt = now;
    if (now - cached.persistedLastUsedAt > SessionService.TOUCH_INTERVAL_MS) {
      cached.persistedLastUsedAt = now;
      await this.store.auth.touchSession(cached.tokenHash, now);
    }
    return cached.viewer;
  }

  /**
   * The session and its user from the store, or 401; cached if `keep()` says so once read. Its
   * last use is written back when cached (as the start of the minute #used counts from), else
   * only if the store's is over a minute old (the feed being down must not make every request a
   * write).
   */
  async #fromStore(
    token: string,
    now: number,
    cached: CachedSession | undefined,
    keep: (() => boolean) | undefined,
  ): Promise<Viewer> {
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
    const viewer: Viewer = { user, orgId: user.orgId, appId: session.appId, isGuest: false, tokenHash };
    if (keep?.()) {
      // Kept before the write's await: a change heard during it must find the entry to drop.
      this.#cache.set(token, {
        tokenHash,
        viewer,
        lastUsedAt: now,
        persistedLastUsedAt: now,
        verifiedAt: now,
      });
      await this.store.auth.touchSession(tokenHash, now);
    } else {
      this.#cache.delete(token);
      if (now - session.lastUsedAt > SessionService.TOUCH_INTERVAL_MS)
        await this.store.auth.touchSession(tokenHash, now);
    }
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
    for (const [token, entry] of this.#cache.entries())
      if (hashes.has(entry.tokenHash)) this.#cache.delete(token);
  }

  /** Drops cached sessions of a user whose record changed (deactivated, renamed, aboutMe). */
  forgetUser(userId: string): void {
    for (const [hash, entry] of this.#cache.entries())
      if (entry.viewer.user.id === userId) this.#cache.delete(hash);
  }

  /** Keeps cached viewers in step with a user record that changed in this process. */
  refreshUser(user: UserRecord): void {
    for (const [, entry] of this.#cache.entries())
      if (entry.viewer.user.id === user.id) entry.viewer.user = user;
  }

  clear(): void {
    this.#cache.clear();
  }
}
