import pino from 'pino';

/**
 * Where the server's JSON lines go when they go to a file descriptor (stdout): pino's own
 * asynchronous destination (sonic-boom), configured so that a busy server can neither fall behind
 * its own log nor grow without bound when whatever reads the log stalls.
 *
 * - sonic-boom writes one chunk, then waits for that write to complete before the next: one chunk
 *   per turn of the event loop. With its default chunk of 16 KB, a server answering batches (a
 *   line per subrequest, some 80 KB of lines in a turn of 10 batches) wrote less than it logged,
 *   and the difference stayed in memory: 110 MB more in 30 s (decision 0038). A chunk here takes
 *   up to `maxWriteBytes`, all that a turn logged.
 * - In its text mode sonic-boom measures its last chunk's bytes at every line, which copies that
 *   chunk each time; in its buffer mode it adds up each line's length. Each line becomes a Buffer
 *   on the way in.
 * - Lines beyond `maxBufferedBytes` not yet written are dropped, counted, and reported by a warning
 *   once the destination has caught up: a log reader that stops reading costs the server at most
 *   that much memory, never the process.
 */
export interface LineDestination {
  write(line: string): void;
  flush(callback?: (error?: Error) => void): void;
  /** pino calls it after a `fatal` line, so that line is out before the process dies. */
  flushSync(): void;
  /** Called with the count of lines dropped since the last call, once writing has caught up. */
  onDropsReported?: (lines: number) => void;
}

const LOG_MAX_WRITE_BYTES = 1024 * 1024;
const LOG_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

let droppedLines = 0;
/** Lines every destination of this process dropped since it started (a metric). */
export function droppedLogLines(): number {
  return droppedLines;
}

export function fdLineDestination(
  fd: number,
  limits: { maxWriteBytes?: number; maxBufferedBytes?: number } = {},
): LineDestination {
  const maxBuffered = limits.maxBufferedBytes ?? LOG_MAX_BUFFERED_BYTES;
  const sonic = pino.destination({
    dest: fd,
    sync: false,
    contentMode: 'buffer',
    maxWrite: limits.maxWriteBytes ?? LOG_MAX_WRITE_BYTES,
    maxLength: maxBuffered,
  });
  let buffered = 0;
  let unreported = 0;
  const destination: LineDestination = {
    write: (line) => {
      const bytes = Buffer.from(line);
      buffered += bytes.length;
      // In buffer mode sonic-boom takes Buffers; its type only knows its text mode.
      sonic.write(bytes as unknown as string);
    },
    flush: (callback) => sonic.flush(callback),
    flushSync: () => sonic.flushSync(),
  };
  sonic.on('drop', (bytes: Buffer) => {
    buffered -= bytes.length;
    droppedLines++;
    unreported++;
  });
  // Reported once half the buffer is free again, so the warning itself is not dropped; after
  // sonic-boom has finished its own count of the write (it tells of a write before it counts it).
  sonic.on('write', (written: number) => {
    buffered -= written;
    if (unreported === 0 || buffered > maxBuffered / 2) return;
    const lines = unreported;
    unreported = 0;
    process.nextTick(() => destination.onDropsReported?.(lines));
  });
  return destination;
}
