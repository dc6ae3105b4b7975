import pino, { type Logger } from 'pino';
import { fdLineDestination, type LineDestination } from './log-destination.js';

/** pino's levels, the only values `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The server's one logger (the banner, request lines, errors): JSON lines for log collectors, or
 * pino-pretty's coloured lines for a person at a terminal. Pretty output is formatted in this
 * thread (`sync`), not in a worker: it is meant for a terminal, not for load; pino-pretty is loaded
 * only then.
 */
export async function createLogger(
  options: { level: string; format: LogFormat },
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<Logger> {
  if (options.format === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    const stream = pretty({
      colorize: destination.isTTY === true,
      sync: true,
      destination,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return pino({ level: options.level }, stream);
  }
  // Lines to stdout are written asynchronously: a request does not wait for its log line's write
  // (a synchronous write per line was 8 % of a request's CPU, decision 0016), and what a turn of
  // the event loop logged goes out in one write (decision 0038). pino flushes what is left when
  // the process exits. Without a minimum length, sonic-boom starts a write as soon as none is in
  // flight, so the banner (start-up.ts) goes out at once or right after the write before it.
  if (destination !== process.stdout) return pino({ level: options.level }, destination);
  return lineLogger(options.level, fdLineDestination(1));
}

/** JSON lines to `lines`, with a warning in the log itself when lines had to be dropped. */
export function lineLogger(level: string, lines: LineDestination): Logger {
  const logger = pino({ level }, lines);
  lines.onDropsReported = (dropped) =>
    logger.warn(
      { droppedLines: dropped },
      'log lines dropped: the log was not read as fast as it was written',
    );
  return logger;
}
