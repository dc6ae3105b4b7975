/**
 * File throughput (issue 12, decision 0009; scenario (h) of bench/run.ts): upload and download
 * MB/s of one file through Chatterbox (`POST connect/files/users/me`, `GET connect/files/{id}/content`)
 * beside bare Fastify taking the same multipart upload to disk and serving the same bytes from disk.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { type BenchStore, login, startChatterbox } from './chatterbox.js';
import { readRssMb, sampleRss } from './processes.js';
import type { FileThroughputResult } from './results.js';

const MB = 1024 * 1024;

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
export async function upload(url: string, token: string | undefined, path: string, size: number) {
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
export async function download(url: string, token: string | undefined, size: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  if (response.status !== 200 || bytes !== size)
    throw new Error(`download: ${response.status}, ${bytes} bytes`);
  return size / MB / ((performance.now() - started) / 1000);
}

export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export function makeFile(work: string, size: number): string {
  const path = join(work, `file-${size}.bin`);
  writeFileSync(path, randomBytes(size));
  return path;
}

/** Bare Fastify: multipart upload piped to a file, and the file served from disk. */
async function startBaseline(work: string) {
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

/**
 * `rounds` interleaved rounds of one upload and one download of an `mb` MB file, Chatterbox (its own
 * process on `store`, from `cli`) then bare Fastify; medians and their ratios. With `rssSizes`, the
 * server's peak RSS over its idle RSS while it takes and serves a file of each size.
 */
export async function measureFileThroughput(options: {
  cli: string[];
  cwd: string;
  store: BenchStore;
  mb: number;
  rounds: number;
  rssSizes?: number[];
  log?: (message: string) => void;
}): Promise<FileThroughputResult> {
  const work = mkdtempSync(join(tmpdir(), 'chatterbox-files-bench-'));
  const size = options.mb * MB;
  const path = makeFile(work, size);
  const server = await startChatterbox(options.cli, options.store, {
    cwd: options.cwd,
    extraArgs: ['--log-level', 'warn', '--max-file-bytes', String(1024 * MB), '--request-timeout-ms', '0'],
  });
  const baseline = await startBaseline(work);
  try {
    const token = await login(server, 'alice@acme.example');
    const files = `${server.url}/services/data/v58.0/connect/files`;
    const ours = { up: [] as number[], down: [] as number[] };
    const bare = { up: [] as number[], down: [] as number[] };
    for (let round = 0; round < options.rounds; round++) {
      const { mbps, json } = await upload(`${files}/users/me`, token, path, size);
      ours.up.push(mbps);
      ours.down.push(await download(`${files}/${json.id}/content`, token, size));
      bare.up.push((await upload(`${baseline.url}/upload`, undefined, path, size)).mbps);
      bare.down.push(await download(`${baseline.url}/file/${size}`, undefined, size));
    }
    const rss: FileThroughputResult['rss'] = [];
    for (const sizeMb of options.rssSizes ?? []) {
      const bytes = sizeMb * MB;
      const file = makeFile(work, bytes);
      const idle = readRssMb(server.pid) ?? 0;
      const upRss = sampleRss(server.pid, 20);
      const { json } = await upload(`${files}/users/me`, token, file, bytes);
      const up = upRss.stop();
      const downRss = sampleRss(server.pid, 20);
      await download(`${files}/${json.id}/content`, token, bytes);
      const down = downRss.stop();
      rss.push({ mb: sizeMb, idleMb: idle, uploadPeakMb: up.peakMb, downloadPeakMb: down.peakMb });
      rmSync(file);
    }
    const chatterbox = { uploadMbps: median(ours.up), downloadMbps: median(ours.down) };
    const fastify = { uploadMbps: median(bare.up), downloadMbps: median(bare.down) };
    return {
      store: options.store.kind,
      mb: options.mb,
      rounds: options.rounds,
      loadAverage: loadavg(),
      chatterbox,
      bare: fastify,
      ratios: {
        upload: chatterbox.uploadMbps / fastify.uploadMbps,
        download: chatterbox.downloadMbps / fastify.downloadMbps,
      },
      rss,
    };
  } finally {
    await baseline.app.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
