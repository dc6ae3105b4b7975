import { scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

/**
 * scrypt runs on one thread of its own, one at a time. Each scrypt needs 16 MB of working memory,
 * allocated by OpenSSL in the thread that runs it, and glibc keeps it in that thread's arena after
 * the first one (its dynamic mmap threshold rises to 16 MB when the first is freed). Run by
 * `crypto.scrypt`, a burst of logins went through all four libuv threads and left 4 × 16 MB
 * resident for good (bench scenario e: 146 → 219 MB); on this thread it is 16 MB once, plus about
 * 6 MB for the thread's own small V8 heap. The price is one scrypt at a time (about 50 ms of one
 * core): logins beyond ~20 a second wait in line rather than running on a second core.
 *
 * After each scrypt the thread collects its young generation. Node allocates each result's 64
 * bytes (malloc) just before OpenSSL allocates the 16 MB, and frees them only when the thread's
 * heap is collected: left to V8, a few of them lay between one scrypt's 16 MB and the next, each
 * scrypt's 16 MB landed a little higher in the arena, and after a burst of logins the arena held
 * two of them (bench scenario e: the thread's arena 17.5 → 34 MB). A minor collection costs
 * nothing measurable beside the 50 ms of the scrypt. `gc` is exposed to this thread's context
 * only: the flag is set while the context is made, then unset (unless the operator set it: then
 * every context has `gc` already). Without `gc`, the thread still works, as it did before.
 *
 * Should the thread fail to start or die, the scrypt runs through `crypto.scrypt` instead (the
 * login still answers) and the next one tries a new thread.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
let gc = globalThis.gc;
if (typeof gc !== 'function') {
  const { setFlagsFromString } = require('node:v8');
  setFlagsFromString('--expose-gc');
  try {
    gc = require('node:vm').runInNewContext('typeof gc === "function" ? gc : () => {}');
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
parentPort.on('message', ({ id, password, salt, keylen }) => {
  try {
    parentPort.postMessage({ id, key: scryptSync(password, salt, keylen) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
  gc({ type: 'minor' });
});`;

interface Job {
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

const scryptInProcess = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

let thread: Worker | undefined;
let threadsStarted = 0;
let nextId = 0;
const jobs = new Map<number, Job>();

function startThread(): Worker {
  const worker = new Worker(SOURCE, {
    eval: true,
    // None of the server's Node flags (a loader such as tsx, --inspect) is wanted on this thread.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  threadsStarted++;
  worker.on('message', ({ id, key, error }: { id: number; key?: Uint8Array; error?: string }) => {
    const job = jobs.get(id);
    jobs.delete(id);
    if (jobs.size === 0) worker.unref();
    if (!job) return;
    if (key) job.resolve(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
    else job.reject(new Error(error ?? 'scrypt failed'));
  });
  const fail = (error: Error) => {
    if (thread !== worker) return;
    thread = undefined;
    const waiting = [...jobs.values()];
    jobs.clear();
    for (const job of waiting) job.reject(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the scrypt thread exited with ${code}`)));
  worker.unref();
  return worker;
}

function onThread(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  thread ??= startThread();
  const worker = thread;
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    jobs.set(id, { resolve, reject });
    // Held while it has work, so a command waiting for a hash does not exit before it.
    worker.ref();
    worker.postMessage({ id, password, salt, keylen });
  });
}

/** scrypt of `password`, on the scrypt thread (or, should it fail, in the libuv pool). */
export async function scryptOnThread(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  try {
    return await onThread(password, salt, keylen);
  } catch {
    return scryptInProcess(password, salt, keylen);
  }
}

/** Ends the scrypt thread: what it was doing runs in the libuv pool, the next scrypt starts a new one. */
export async function stopScryptThread(): Promise<void> {
  await thread?.terminate();
}

/** How many scrypt threads this process has started (one, unless one failed). */
export function scryptThreadsStarted(): number {
  return threadsStarted;
}
