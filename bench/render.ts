// `node --import tsx bench/render.ts bench/results/<timestamp>.json`: renders the report and the
// chart of a finished run again (after a change to the report's code), without measuring anything.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { renderChart, renderReport } from './lib/report.js';
import type { BenchResults } from './lib/results.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/render.ts bench/results/<timestamp>.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
const dir = dirname(file);
const chartFile = 'feed-scaling.svg';
writeFileSync(join(dir, chartFile), renderChart(results));
const report = renderReport(results, chartFile);
writeFileSync(join(dir, `${basename(file, '.json')}.md`), report);
writeFileSync(join(dir, 'latest.md'), report);
process.stdout.write(`rendered ${basename(file, '.json')}.md, latest.md and ${chartFile}\n`);
