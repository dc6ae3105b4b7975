// A node:test reporter that writes one line per failed test (its file, its name and the first lines
// of its error), so scripts/test.mjs can repeat every store's failures at the end of the run: CI
// shows the tail of the output, and a failure in the first store's run was otherwise out of sight.
export default async function* failuresReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, line, details } = event.data;
    // A suite fails when a test in it fails; the test's own line already says why.
    if (details?.type === 'suite' && details.error?.failureType === 'subtestsFailed') continue;
    const error = details?.error;
    const cause = error?.cause ?? error;
    const message = String(cause?.message ?? cause ?? 'failed')
      .split('\n')
      .slice(0, 8)
      .join('\n    ');
    yield `${file ?? '?'}${line ? `:${line}` : ''} — ${name}\n    ${message}\n`;
  }
}
