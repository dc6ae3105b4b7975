import { OAuthError } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import type { ConnectedAppRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { AppSecrets } from './app-secrets.js';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { hashToken, safeEqual, signIdentity, UNMATCHABLE_PASSWORD_HASH, verifyPassword } from './secrets.js';
import type { IssuedTokens, SessionService } from './session-service.js';

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope?: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
}

const failure = {
  authentication: () => new OAuthError('invalid_grant', 'authentication failure'),
  inactive: () => new OAuthError('invalid_grant', 'inactive user'),
  refresh: () => new OAuthError('invalid_grant', 'expired access/refresh token'),
  clientId: () => new OAuthError('invalid_client_id', 'client identifier invalid'),
  clientSecret: () => new OAuthError('invalid_client', 'invalid client credentials'),
  grantType: () => new OAuthError('unsupported_grant_type', 'grant type not supported'),
  token: () => new OAuthError('invalid_token', 'invalid token'),
};

export function identityUrl(instanceUrl: string, user: UserRecord): string {
  return `${instanceUrl}/id/${user.orgId}/${user.id}`;
}

/** The OAuth 2.0 flows of SPEC §4. */
export class OAuthService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    private readonly secrets: AppSecrets,
    private readonly options: {
      lockoutThreshold: number;
      lockoutMs: number;
      loginThrottle?: LoginThrottleOptions;
    },
  ) {
    this.#throttle = new LoginThrottle(clock, options.loginThrottle);
  }

  readonly #throttle: LoginThrottle;

  /** `clientAddress`: where the request came from, for the failed-login throttle (decision 0022). */
  async token(
    params: Record<string, string | undefined>,
    instanceUrl: string,
    clientAddress = '',
  ): Promise<TokenResponse> {
    const grantType = params.grant_type;
    if (grantType === 'password') {
      this.#throttle.check(clientAddress);
      try {
        return await this.passwordGrant(params, instanceUrl);
      } catch (error) {
        if (error instanceof OAuthError && error.description === 'authentication failure')
          this.#throttle.recordFailure(clientAddress, params.username ?? '');
        throw error;
      }
    }
    if (grantType === 'refresh_token') return this.refreshGrant(params, instanceUrl);
    if (grantType === 'client_credentials') return this.clientCredentialsGrant(params, instanceUrl);
    throw failure.grantType();
  }

  /** Tokens for a user and an app without the password (CLI `token`, control plane, SPEC §4). */
  async issueWithRefresh(
    user: UserRecord,
    app: ConnectedAppRecord,
    instanceUrl: string,
  ): Promise<TokenResponse> {
    const tokens = await this.sessions.issue(user, app, { withRefreshToken: true });
    return this.#response(user, app, tokens, instanceUrl);
  }

  async revoke(token: string | undefined): Promise<void> {
    if (!token) throw failure.token();
    const hash = hashToken(token);
    const now = this.clock.now();
    const refresh = await this.store.auth.findRefreshToken(hash);
    if (refresh) {
      if (refresh.revokedAt !== null) throw failure.token();
      const revoked = await this.store.auth.revokeRefreshToken(refresh.id, now);
      this.sessions.forgetTokens(revoked);
      return;
    }
    const revoked = await this.store.auth.revokeSession(hash, now);
    this.sessions.forgetTokens([hash]);
    if (!revoked) throw failure.token();
  }

  async #app(
    params: Record<string, string | undefined>,
    secretRequired: boolean,
  ): Promise<ConnectedAppRecord> {
    const app = params.client_id ? await this.store.orgs.findAppByClientId(params.client_id) : undefined;
    if (!app) throw failure.clientId();
    const secret = params.client_secret;
    if (secret === undefined ? secretRequired : !safeEqual(secret, await this.secrets.open(app.clientSecret)))
      throw failure.clientSecret();
    return app;
  }

  private async passwordGrant(params: Record<string, string | undefined>, instanceUrl: string) {
    const app = await this.#app(params, true);
    const username = params.username ?? '';
    const credentials = username ? await this.store.users.credentials(username) : undefined;
    if (!credentials || credentials.orgId !== app.orgId || !credentials.passwordHash) {
      // As costly as a known user's wrong password: one scrypt, so that the answer's time does not
      // tell which usernames exist (issue 9: 1.4 ms against 37 ms before).
      await verifyPassword(params.password ?? '', UNMATCHABLE_PASSWORD_HASH);
      throw failure.authentication();
    }
    const now = this.clock.now();
    const locked = credentials.lockedUntil !== null && credentials.lockedUntil > now;
    const passwordOk = await verifyPassword(params.password ?? '', credentials.passwordHash);
    if (locked) throw failure.authentication();
    if (!passwordOk) {
      // A lock that has run out starts a new count (SPEC §4: 10 failures in a row lock for 15 minutes).
      const failures = (credentials.lockedUntil !== null ? 0 : credentials.failedLogins) + 1;
      const lockedUntil = failures >= this.options.lockoutThreshold ? now + this.options.lockoutMs : null;
      if (credentials.lockedUntil !== null) await this.store.users.resetLoginFailures(credentials.id);
      await this.store.users.recordLoginFailure(credentials.id, lockedUntil);
      throw failure.authentication();
    }
    if (!credentials.isActive) throw failure.inactive();
    if (credentials.failedLogins > 0 || credentials.lockedUntil !== null) {
      await this.store.users.resetLoginFailures(credentials.id);
    }
    const user = (await this.store.users.find(credentials.orgId, credentials.id)) as UserRecord;
    // The password flow issues no refresh token, as in the real service.
    const tokens = await this.sessions.issue(user, app, { withRefreshToken: false });
    return this.#response(user, app, tokens, instanceUrl);
  }

  private async refreshGrant(params: Record<string, string | undefined>, instanceUrl: string) {
    const app = await this.#app(params, false);
    const refresh = params.refresh_token
      ? await this.store.auth.findRefreshToken(hashToken(params.refresh_token))
      : undefined;
    if (!refresh || refresh.revokedAt !== null || refresh.appId !== app.id) throw failure.refresh();
    const user = await this.store.users.find(refresh.orgId, refresh.userId);
    if (!user) throw failure.refresh();
    if (!user.isActive) throw failure.inactive();
    const tokens = await this.sessions.issue(user, app, {
      withRefreshToken: false,
      refreshTokenId: refresh.id,
    });
    return this.#response(user, app, tokens, instanceUrl, { scoped: true });
  }

  private async clientCredentialsGrant(params: Record<string, string | undefined>, instanceUrl: string) {
    const app = await this.#app(params, true);
    const user = app.runAsUserId ? await this.store.users.find(app.orgId, app.runAsUserId) : undefined;
    if (!user) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
    if (!user.isActive) throw failure.inactive();
    const tokens = await this.sessions.issue(user, app, { withRefreshToken: false });
    return this.#response(user, app, tokens, instanceUrl);
  }

  async #response(
    user: UserRecord,
    app: ConnectedAppRecord,
    tokens: IssuedTokens,
    instanceUrl: string,
    options: { scoped?: boolean } = {},
  ): Promise<TokenResponse> {
    const id = identityUrl(instanceUrl, user);
    const issuedAt = String(tokens.issuedAt);
    const body: TokenResponse = {
      access_token: tokens.accessToken,
      // Keyed with the clear secret, opened from its sealed form (decision 0022).
      signature: signIdentity(id, issuedAt, await this.secrets.open(app.clientSecret)),
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
    if (tokens.refreshToken) body.refresh_token = tokens.refreshToken;
    // SPEC §4: `scope` on every grant that returns a refresh token or is made with one, as the
    // real refresh_token grant answers it (the scopes of the refresh token it was made with).
    if (tokens.refreshToken || options.scoped) body.scope = 'api refresh_token';
    return body;
  }
}
