import type { Redis } from 'ioredis';
import { CircuitBreaker } from './circuit-breaker.js';

/**
 * A Redis client that fails instead of waiting (decision 0021). ioredis's defaults queue every
 * command while the connection is down and retry it 20 times: a request waited 30 s or more, then
 * failed with Fastify's own 500. Here a command sent while the connection is down fails at once
 * (no offline queue), one sent into a black hole fails after the command timeout, and a command
 * cut off by a broken connection is not sent again after the reconnect (the quota script is not
 * idempotent). ioredis keeps reconnecting on its own, so Redis heals without a restart.
 */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  // Loaded only when asked for: most servers run without Redis, and the client costs start-up
  // time and memory (about 20 MB RSS).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: true,
    // Back within a second of Redis returning.
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    ...(timeoutMs > 0 ? { connectTimeout: timeoutMs, commandTimeout: timeoutMs } : {}),
  });
  // Connection errors reach the callers through their failed commands (and health); without a
  // listener ioredis would print each reconnect failure to stderr.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/**
 * The breaker in front of a Redis client. A command that timed out leaves a connection that may
 * lead into a black hole: ioredis would keep it (TCP alone notices nothing for hours), so every
 * later command would time out too, even after Redis is back. The client reconnects instead.
 */
export function redisBreaker(redis: Redis | undefined): CircuitBreaker {
  return new CircuitBreaker('redis', {
    onTrip: (error) => {
      if (redis && /Command timed out/.test(String((error as Error | undefined)?.message))) {
        redis.disconnect(true);
      }
    },
  });
}
