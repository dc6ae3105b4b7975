import assert from 'node:assert/strict';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type BenchStore,
  login,
  postgresStore,
  SOURCE_CLI,
  sqliteStore,
  startChatterbox,
} from '../../bench/lib/chatterbox.js';
import { type ServerProcess, sampleRss } from '../../bench/lib/processes.js';
import { testDatabaseUrl, testStore } from '../helpers/harness.js';

const MB = 1024 * 1024;
const FILE_BYTES = 50 * MB;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Uploads and downloads stream (SPEC §12.2, decision 0009): a 50 MB file goes through a server
 * process of its own (on the suite's store, a file or a PostgreSQL schema) and back while that
 * process's RSS is sampled; it may not grow by anything near the file's size (what grows is
 * garbage not yet collected, the same for 1 MB and 100 MB, see the issue 12 report). The client
 * sends one 64 KB block over and over and counts what it reads.
 */
describe('files stream through the server (SPEC §12.2)', () => {
  let store: BenchStore;
  let server: ServerProcess;
  let base: string;
  let token: string;
  before(async () => {
    store = testStore === 'postgres' ? postgresStore(testDatabaseUrl) : sqliteStore();
    server = await startChatterbox(SOURCE_CLI, store, { cwd: root, extraArgs: ['--log-level', 'warn'] });
    base = server.url;
    token = await login(server, 'alice@acme.example');
  });
  after(async () => {
    await server?.stop();
    await store?.dispose();
  });

  /** The server's highest RSS (MB) while fn runs, sampled every 10 ms. */
  const peakRss = async <T>(fn: () => Promise<T>): Promise<{ peak: number; value: T }> => {
    const sampler = sampleRss(server.pid, 10);
    const value = await fn();
    return { peak: sampler.stop().peakMb, value };
  };

  const send = (
    method: string,
    path: string,
    headers: Record<string, string>,
    write?: (req: http.ClientRequest) => void,
  ) =>
    new Promise<{ status: number; bytes: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${base}${path}`,
        { method, headers: { authorization: `Bearer ${token}`, ...headers } },
        (res) => {
          let bytes = 0;
          let body = '';
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (body.length < 100_000) body += chunk.toString('latin1').slice(0, 100_000);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (write) write(req);
      else req.end();
    });

  /** Uploads `size` bytes (one block repeated) through a streamed request; returns the answer. */
  const uploadOf = (size: number) => {
    const boundary = '----memory-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="fileData"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const block = Buffer.alloc(64 * 1024, 7);
    return send(
      'POST',
      '/services/data/v58.0/connect/files/users/me',
      {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
      (req) => {
        req.write(head);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += block.length;
            if (!req.write(block)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end(tail);
        };
        pump();
      },
    );
  };

  /** One 50 MB upload and its download: the server's RSS before, and its growth during each. */
  const roundTrip = async () => {
    const before = sampleRss(server.pid).stop().peakMb;
    const up = await peakRss(() => uploadOf(FILE_BYTES));
    assert.equal(up.value.status, 201, up.value.body);
    const file = JSON.parse(up.value.body) as { id: string; contentSize: number };
    assert.equal(file.contentSize, FILE_BYTES);
    const down = await peakRss(() =>
      send('GET', `/services/data/v58.0/connect/files/${file.id}/content`, {}),
    );
    assert.equal(down.value.status, 200);
    assert.equal(down.value.bytes, FILE_BYTES);
    return { before, up: up.peak - before, down: down.peak - before };
  };

  test('50 MB uploads and downloads do not grow the server by the file', async () => {
    // The first pass grows the heap V8 keeps for garbage (chunks read and written, collected
    // later) and compiles the code paths; the second shows what a file costs once that is there:
    // a file held in memory anywhere would add its 50 MB again.
    const first = await roundTrip();
    const second = await roundTrip();
    const bound = (0.5 * FILE_BYTES) / MB;
    const line = (r: typeof first) => `+${r.up.toFixed(1)} MB up, +${r.down.toFixed(1)} MB down`;
    process.stdout.write(
      `# RSS ${first.before.toFixed(0)} MB; first ${line(first)}; second ${line(second)}\n`,
    );
    assert.ok(second.up < bound, `RSS grew ${second.up.toFixed(1)} MB during a second 50 MB upload`);
    assert.ok(second.down < bound, `RSS grew ${second.down.toFixed(1)} MB during a second 50 MB download`);
  });
});
