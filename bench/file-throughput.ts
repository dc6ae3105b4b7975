/**
 * File throughput on its own (the same measurement as scenario (h) of `npm run bench`, see
 * bench/lib/file-throughput.ts), with the RSS check per file size:
 *
 *   node --import tsx bench/file-throughput.ts [--mb 10] [--rounds 5] [--rss-sizes 1,100]
 *       [--database-url postgres://…] [--built]
 *
 * Chatterbox runs as its own process on its own store (SQLite file, or a PostgreSQL schema), from
 * the sources (tsx) unless `--built`; the baseline runs in this process.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchStore, BUILT_CLI, postgresStore, SOURCE_CLI, sqliteStore } from './lib/chatterbox.js';
import { measureFileThroughput } from './lib/file-throughput.js';

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

const store: BenchStore = values['database-url'] ? postgresStore(values['database-url']) : sqliteStore();
try {
  const r = await measureFileThroughput({
    cli: values.built ? BUILT_CLI : SOURCE_CLI,
    cwd: root,
    store,
    mb: Number(values.mb),
    rounds: Number(values.rounds),
    rssSizes: (values['rss-sizes'] as string).split(',').map(Number),
  });
  const f = (n: number) => n.toFixed(1);
  console.log(
    `file throughput, ${r.mb} MB, median of ${r.rounds} rounds, ${r.store}, load ${r.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(
    `  chatterbox   upload ${f(r.chatterbox.uploadMbps)} MB/s   download ${f(r.chatterbox.downloadMbps)} MB/s`,
  );
  console.log(
    `  bare fastify upload ${f(r.bare.uploadMbps)} MB/s   download ${f(r.bare.downloadMbps)} MB/s (disk)`,
  );
  for (const x of r.rss)
    console.log(
      `  RSS ${x.mb} MB file: before ${x.idleMb.toFixed(0)} MB, upload peak +${(x.uploadPeakMb - x.idleMb).toFixed(0)}, download peak +${(x.downloadPeakMb - x.idleMb).toFixed(0)}`,
    );
} finally {
  await store.dispose();
}
