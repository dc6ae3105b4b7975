import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Connected-app secrets at rest (decision 0022). The token response's `signature` is an HMAC keyed
 * with the client secret (SPEC §4), also for tokens issued without the client presenting it (the
 * control plane, `chatterbox token`, a refresh grant without `client_secret`), so the server must
 * be able to recover the secret: it is sealed (AES-256-GCM), not hashed. The format names its key
 * by a short ID, so a secret sealed under an earlier key still opens:
 * `sealed:v1:<key id>:<iv>:<ciphertext>:<tag>` (base64url).
 */
const PREFIX = 'sealed:v1:';

export class AppSecrets {
  #keys: Promise<{ primaryId: string; byId: Map<string, Buffer> }> | undefined;

  /**
   * `loadKeys` gives the sealing key first, then any older key whose secrets must still open;
   * it runs on first use (the store's key table exists only once migrations have run).
   */
  constructor(private readonly loadKeys: () => Promise<Buffer[]>) {}

  /**
   * Loads the keys now. Call it outside any transaction: on SQLite, loading them inside one would
   * wait for the store's only connection, which that transaction holds.
   */
  async ready(): Promise<void> {
    await this.#load();
  }

  async seal(secret: string): Promise<string> {
    const { primaryId, byId } = await this.#load();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', byId.get(primaryId) as Buffer, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${PREFIX}${primaryId}:${[iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url')).join(':')}`;
  }

  /** The clear secret; a value stored before secrets were sealed (migration 009) is clear already. */
  async open(stored: string): Promise<string> {
    if (!stored.startsWith(PREFIX)) return stored;
    const { byId } = await this.#load();
    const [keyId, iv, sealed, tag] = stored.slice(PREFIX.length).split(':');
    const key = byId.get(keyId ?? '');
    if (!key || !iv || sealed === undefined || !tag) {
      throw new Error(`A connected app's secret is sealed with a key this server lacks (${keyId}).`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Whether a stored value is sealed under the current key (else it is re-sealed at start). */
  async isCurrent(stored: string): Promise<boolean> {
    const { primaryId } = await this.#load();
    return stored.startsWith(`${PREFIX}${primaryId}:`);
  }

  #load() {
    this.#keys ??= this.loadKeys().then((keys) => {
      const byId = new Map(keys.map((key) => [keyId(key), key]));
      return { primaryId: keyId(keys[0] as Buffer), byId };
    });
    return this.#keys;
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A 32-byte key from `--secret-key` (any string the operator keeps out of the store). */
export function keyFromPassphrase(passphrase: string): Buffer {
  return createHash('sha256').update(`chatterbox app secrets\0${passphrase}`).digest();
}
