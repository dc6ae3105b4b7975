/**
 * A separate process that counts against a shared usage backend, for the cross-process quota tests
 * (SPEC §7: counters exact across processes). Argument: JSON options. Prints "ready", waits for a
 * line on stdin (so every process starts at once), fires its takes concurrently, prints how many
 * each quota accepted (JSON).
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import type { UsageCounters } from '../../src/limits/usage.js';
import { openStore } from '../../src/store/open-store.js';
import { fireTakes, type TakeKind } from './usage-takes.js';

interface Options {
  backend: 'redis' | 'store';
  redisUrl?: string;
  prefix?: string;
  databaseUrl?: string;
  pgSchema?: string;
  sqlitePath?: string;
  kind: TakeKind;
  takes: number;
  limit: number;
  now: number;
}

const options = JSON.parse(process.argv[2] as string) as Options;
let close: () => Promise<void>;
let usage: UsageCounters;
if (options.backend === 'redis') {
  const redis = new Redis(options.redisUrl as string);
  usage = new RedisUsageCounters(redis, options.prefix as string);
  close = async () => {
    await redis.quit();
  };
} else {
  const store = await openStore({
    sqlitePath: options.sqlitePath ?? ':memory:',
    databaseUrl: options.databaseUrl,
    pgSchema: options.pgSchema ?? 'public',
    idInstance: 'Cb',
  });
  usage = new StoreUsageCounters(store);
  close = () => store.close();
}
process.stdout.write('ready\n');
const input = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => input.once('line', () => resolve()));
input.close();
const accepted = await fireTakes(usage, options.kind, options.takes, options.limit, options.now);
process.stdout.write(`${JSON.stringify(accepted)}\n`);
await close();
