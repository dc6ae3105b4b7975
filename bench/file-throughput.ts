/**
 * File throughput (issue 12, decision 0009): upload and download MB/s of one file through
 * Chatterbox (`POST connect/files/users/me`, `GET connect/files/{id}/content`), beside bare Fastify
 * taking the same multipart upload to disk and serving the same bytes from disk; and the server's
 * peak RSS over its idle RSS while it does, per file size (it should not grow with the size).
 *
 *   node --import tsx bench/file-throughput.ts [--mb 10] [--rounds 5] [--rss-sizes 1,100]
 *       [--database-url postgres://…] [--built]
 *
 * Chatterbox runs as its own process on its own store (SQLite file, or a PostgreSQL schema), from
 * the sources (tsx) unless `--built`; the baseline runs in this process.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import {
  type BenchStore,
  BUILT_CLI,
  login,
  postgresStore,
  SOURCE_CLI,
  sqliteStore,
  startChatterbox,
} from './lib/chatterbox.js';
import { readRssMb, sampleRss } from './lib/processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    'rss-sizes': { type: 'string', default: '1,100' },
    'database-url': { type: 'string' },
    built: { type: 'boolean', default: false },
  },
});
const MB = 1024 * 1024;
const rounds = Number(values.rounds);
const work = mkdtempSync(join(tmpdir(), 'chatterbox-files-bench-'));

/** A multipart body with one `fileData` part, streamed from a file on disk. */
function multipartBody(
  path: string,
  size: number,
): { body: ReadableStream; headers: Record<string, string> } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="fileData"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
    yield tail;
  }
  const iterator = parts();
  const body = new ReadableStream({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value));
    },
  });
  return {
    body,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
  };
}

/** MB/s of one upload; returns the answer's JSON too. */
async function upload(url: string, token: string | undefined, path: string, size: number) {
  const { body, headers } = multipartBody(path, size);
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    duplex: 'half',
  } as RequestInit);
  const json = (await response.json()) as { id?: string };
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${JSON.stringify(json)}`);
  return { mbps: size / MB / ((performance.now() - started) / 1000), json };
}

/** MB/s of one download, reading the body as it comes (never holding it). */
async function download(url: string, token: string | undefined, size: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  if (response.status !== 200 || bytes !== size)
    throw new Error(`download: ${response.status}, ${bytes} bytes`);
  return size / MB / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function makeFile(size: number): string {
  const path = join(work, `file-${size}.bin`);
  writeFileSync(path, randomBytes(size));
  return path;
}

/** Bare Fastify: multipart upload piped to a file, and the file served from disk. */
async function startBaseline() {
  const app = Fastify({ logger: false });
  await app.register(multipart, { limits: { fileSize: 1024 * MB } });
  app.post('/upload', async (request, reply) => {
    const part = await request.file();
    if (!part) return reply.code(400).send({});
    await pipeline(part.file, createWriteStream(join(work, 'baseline-upload.bin')));
    return reply.code(201).send({ id: 'x' });
  });
  app.get('/file/:size', async (request, reply) => {
    const { size } = request.params as { size: string };
    return reply.type('application/octet-stream').send(createReadStream(join(work, `file-${size}.bin`)));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

async function main(): Promise<void> {
  const size = Number(values.mb) * MB;
  const path = makeFile(size);
  const store: BenchStore = values['database-url'] ? postgresStore(values['database-url']) : sqliteStore();
  const server = await startChatterbox(values.built ? BUILT_CLI : SOURCE_CLI, store, {
    cwd: root,
    extraArgs: ['--log-level', 'warn', '--max-file-bytes', String(1024 * MB), '--request-timeout-ms', '0'],
  });
  const baseline = await startBaseline();
  try {
    const token = await login(server, 'alice@acme.example');
    const files = `${server.url}/services/data/v58.0/connect/files`;
    const ours = { up: [] as number[], down: [] as number[] };
    const bare = { up: [] as number[], down: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const { mbps, json } = await upload(`${files}/users/me`, token, path, size);
      ours.up.push(mbps);
      ours.down.push(await download(`${files}/${json.id}/content`, token, size));
      bare.up.push((await upload(`${baseline.url}/upload`, undefined, path, size)).mbps);
      bare.down.push(await download(`${baseline.url}/file/${size}`, undefined, size));
    }
    console.log(
      `file throughput, ${values.mb} MB, median of ${rounds} rounds, ${store.kind}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `  chatterbox  upload ${median(ours.up).toFixed(1)} MB/s   download ${median(ours.down).toFixed(1)} MB/s`,
    );
    console.log(
      `  bare fastify upload ${median(bare.up).toFixed(1)} MB/s   download ${median(bare.down).toFixed(1)} MB/s (disk)`,
    );
    for (const sizeMb of (values['rss-sizes'] as string).split(',').map(Number)) {
      const bytes = sizeMb * MB;
      const file = makeFile(bytes);
      const idle = readRssMb(server.pid) ?? 0;
      const upRss = sampleRss(server.pid, 20);
      const { json } = await upload(`${files}/users/me`, token, file, bytes);
      const up = upRss.stop();
      const downRss = sampleRss(server.pid, 20);
      await download(`${files}/${json.id}/content`, token, bytes);
      const down = downRss.stop();
      console.log(
        `  RSS ${sizeMb} MB file: before ${idle.toFixed(0)} MB, upload peak ${up.peakMb.toFixed(0)} MB (+${(up.peakMb - idle).toFixed(0)}), download peak ${down.peakMb.toFixed(0)} MB (+${(down.peakMb - idle).toFixed(0)})`,
      );
      rmSync(file);
    }
  } finally {
    await baseline.app.close();
    await server.stop();
    await store.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
