/**
 * A separate process that counts against a shared usage backend, for the cross-process quota tests
 * (SPEC §7: counters exact across processes). Argument: JSON options. Prints "ready", waits for a
 * line on stdin (so every process starts at once), fires its takes concurrently, prints the number
 * accepted.
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import type { UsageCounters } from '../../src/limits/usage.js';
import { openStore } from '../../src/store/open-store.js';

interface Options {
  backend: 'redis' | 'store';
  redisUrl?: string;
  prefix?: string;
  databaseUrl?: string;
  pgSchema?: string;
  sqlitePath?: string;
  kind: 'hourly' | 'daily';
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
const takes = await Promise.all(
  Array.from({ length: options.takes }, () =>
    options.kind === 'hourly'
      ? usage.takeHourly('005Cb0000000003IAA', '0HCb0000000001AAA', options.now, options.limit)
      : usage.takeDaily('00DCb0000000001IAA', options.now, options.limit),
  ),
);
process.stdout.write(`${takes.filter((t) => t.ok).length}\n`);
await close();
