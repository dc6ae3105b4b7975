import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/store.js';

/**
 * Which servers hold a store right now, so that `chatterbox reset` never wipes data under a running
 * server and `chatterbox token` mints tokens for the URL clients actually use. Each serving process
 * records itself in the store's settings while it listens; a record whose process is gone (killed,
 * crashed) is recognised and dropped.
 */
const PREFIX = 'live-server:';

export interface LiveServer {
  /** Where the server listens. */
  url: string;
  /** What it answers as instance_url: --public-url, else the listening URL. */
  instanceUrl: string;
  pid: number;
  hostname: string;
  startedAt: number;
}

export class ServerRegistration {
  readonly #key = `${PREFIX}${randomUUID()}`;
  #server: LiveServer | undefined;

  constructor(private readonly store: Store) {}

  async register(url: string, publicUrl: string | undefined): Promise<void> {
    this.#server = {
      url,
      instanceUrl: publicUrl ?? url,
      pid: process.pid,
      hostname: hostname(),
      startedAt: Date.now(),
    };
    await this.renew();
  }

  /** Again after a control-plane reset, which empties the settings. */
  async renew(): Promise<void> {
    if (this.#server) await this.store.putSetting(this.#key, JSON.stringify(this.#server));
  }

  async unregister(): Promise<void> {
    if (this.#server) await this.store.deleteSetting(this.#key);
  }
}

/** The servers holding the store; records of servers that are gone are deleted on the way. */
export async function liveServers(store: Store): Promise<LiveServer[]> {
  const live: LiveServer[] = [];
  for (const { key, value } of await store.settingsWithPrefix(PREFIX)) {
    const server = parse(value);
    if (server && (await isRunning(server))) live.push(server);
    else await store.deleteSetting(key);
  }
  return live;
}

function parse(value: string): LiveServer | undefined {
  try {
    const server = JSON.parse(value) as LiveServer;
    return typeof server.url === 'string' && Number.isInteger(server.pid) ? server : undefined;
  } catch {
    return undefined;
  }
}

/**
 * On this machine: its process exists (signal 0 checks without sending anything). On another
 * (servers sharing PostgreSQL): its health endpoint answers within a second.
 */
async function isRunning(server: LiveServer): Promise<boolean> {
  if (server.hostname === hostname()) {
    try {
      process.kill(server.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  try {
    await fetch(`${server.url}/_chatterbox/health`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
