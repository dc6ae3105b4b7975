import type { Selectable } from 'kysely';
import type { RefreshTokenRecord, SessionRecord } from './records.js';
import type { Database } from './schema.js';
import type { Db } from './store.js';

/** Sessions (access tokens) and refresh tokens, stored only as hashes (SPEC §4). */
export class AuthRepository {
  constructor(private readonly db: Db) {}

  async createSession(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        org_id: session.orgId,
        user_id: session.userId,
        app_id: session.appId,
        refresh_token_id: session.refreshTokenId,
        issued_at: session.issuedAt,
        last_used_at: session.lastUsedAt,
        revoked_at: session.revokedAt,
      })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toSession(row);
  }

  async touchSession(tokenHash: string, lastUsedAt: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_used_at: lastUsedAt })
      .where('token_hash', '=', tokenHash)
      .where('last_used_at', '<', lastUsedAt)
      .execute();
  }

  async revokeSession(tokenHash: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async createRefreshToken(token: RefreshTokenRecord): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        token_hash: token.tokenHash,
        org_id: token.orgId,
        user_id: token.userId,
        app_id: token.appId,
        issued_at: token.issuedAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        tokenHash: row.token_hash,
        orgId: row.org_id,
        userId: row.user_id,
        appId: row.app_id,
        issuedAt: row.issued_at,
        revokedAt: row.revoked_at,
      }
    );
  }

  /** Revokes a refresh token and every access token issued from it; returns those tokens' hashes. */
  async revokeRefreshToken(id: string, at: number): Promise<string[]> {
    await this.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    const rows = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('refresh_token_id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('token_hash')
      .execute();
    return rows.map((r) => r.token_hash);
  }
}

function toSession(row: Selectable<Database['sessions']>): SessionRecord {
  return {
    tokenHash: row.token_hash,
    orgId: row.org_id,
    userId: row.user_id,
    appId: row.app_id,
    refreshTokenId: row.refresh_token_id,
    issuedAt: row.issued_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
