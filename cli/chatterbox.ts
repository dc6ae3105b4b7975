import { Command, Option } from 'commander';
import type { RawFlags } from '../src/main.js';
import { CHATTERBOX_VERSION } from '../src/version.js';

/**
 * `chatterbox` (SPEC §10): thin calls into the same modules the server uses. Each command loads
 * what it runs only when it runs (the server, or commands.ts): `--version` and `--help` answer
 * without loading the server, and `serve` loads nothing the store commands need.
 */
const program = new Command('chatterbox').version(CHATTERBOX_VERSION).showHelpAfterError();
const commands = () => import('./commands.js');

const storeOptions = (command: Command) =>
  command
    .option('--db <path>', 'SQLite file (or :memory:)', undefined)
    .option('--database-url <url>', 'PostgreSQL instead of SQLite')
    .option('--pg-schema <name>', 'PostgreSQL schema (created if missing)')
    .option('--secret-key <key>', "seals connected-app secrets at rest (default: the store's own key)");

/** The flags of a server (`serve`, and `exec`, which starts one). */
const serveOptions = (command: Command) =>
  storeOptions(command)
    .option('--port <n>', 'port (default 8080)')
    .option('--host <host>', 'host (default 127.0.0.1)')
    .option('--redis-url <url>', 'Redis for shared quota counters and caches')
    .option('--redis-prefix <prefix>', 'key prefix in Redis (default chatterbox:)')
    .option('--demo', 'create the demo org if the store is empty')
    .option('--admin-token <token>', 'control-plane token (generated and printed when unset)')
    .option('--public-url <url>', 'public base URL (instance_url)')
    .option('--hourly-limit <n>', 'hourly Chatter requests per user and app (default 200)')
    .option('--daily-limit <n>', 'API requests per org per 24 hours (default 15000)')
    .addOption(
      new Option('--daily-limit-status <status>', 'status when the daily quota is used up').choices([
        '429',
        '403',
      ]),
    )
    .option('--quota-retry-after', 'send Retry-After on quota refusals (429/503); off by default')
    .option('--session-timeout <seconds>', 'session inactivity timeout (default 7200)')
    .option('--max-body-bytes <n>', 'request body limit (default 10485760)')
    .option('--max-file-bytes <n>', 'largest file an upload may carry (default 104857600)')
    .option('--workers <n>', 'one process per core')
    .option('--journal-size <n>', 'API requests kept by the request journal (default 1000)')
    .option('--request-timeout-ms <n>', 'time a request may take to arrive, 0 for none (default 60000)')
    .option('--dependency-timeout-ms <ms>', 'bound on each PostgreSQL or Redis call; 0 = none (default 5000)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, else json)')
    .option('--import <file>', "load an org's snapshot at start (replaces the org of the same ID)")
    .option('--export-on-exit <file>', 'write a snapshot of the org (imported, else the first) when stopped');

serveOptions(program.command('serve').description('serve the API')).action(async (options: RawFlags) => {
  (await import('../src/lib/heap-growth.js')).tuneHeap();
  return (await import('../src/main.js')).serve(options);
});

serveOptions(
  program
    .command('exec')
    .description('start a demo server on a free port, run a command against it, stop the server')
    .argument('<command...>', 'the command and its arguments, after --'),
).action(async (command: string[], options: RawFlags) =>
  (await import('./exec.js')).execCommand(options, command),
);

storeOptions(program.command('migrate').description('bring the schema up to date')).action(
  async (options: RawFlags) => (await commands()).migrateCommand(options),
);

storeOptions(
  program
    .command('reset')
    .description(
      'back to the start state (the demo org with --demo, else empty); through the running server when one holds the store',
    ),
)
  .option('--demo', 'seed the demo org')
  .option('--admin-token <token>', "a running server's admin token: reset through its control plane")
  .action(async (options: RawFlags) => (await commands()).resetCommand(options));

const orgs = program.command('orgs').description('manage orgs');
storeOptions(orgs.command('add').description('add an empty org'))
  .requiredOption('--name <name>')
  .action(async (options) => (await commands()).addOrgCommand(options));
storeOptions(orgs.command('list').description('list the orgs, one JSON line each, oldest first')).action(
  async (options) => (await commands()).listOrgsCommand(options),
);

storeOptions(program.command('seed').description('load many posts fast (load tests, benchmarks)'))
  .requiredOption('--posts <n>', 'how many posts to add')
  .option('--org <id>', 'the org to post in (default: the first org)')
  .option('--demo', 'create the demo org first if the store is empty')
  .option('--stream-for <username>', "also create that user's stream of the seeded authors and groups")
  .action(async (options) => (await commands()).seedCommand(options));

const users = program.command('users').description('manage users');
storeOptions(users.command('add').description('add a user'))
  .requiredOption('--username <username>')
  .requiredOption('--password <password>')
  .requiredOption('--first-name <name>')
  .requiredOption('--last-name <name>')
  .addOption(new Option('--type <type>').choices(['standard', 'admin', 'external']).default('standard'))
  .option('--org-id <id>')
  .option('--community <id...>', 'communities of an external user')
  .option('--inactive', 'create the user inactive')
  .action(async (options) => (await commands()).addUserCommand(options));

storeOptions(users.command('list').description("list an org's users, one JSON line each, in ID order"))
  .option('--org-id <id>', 'the org (default: the first org)')
  .action(async (options) => (await commands()).listUsersCommand(options));

const apps = program.command('apps').description('manage connected apps');
storeOptions(apps.command('add').description('add a connected app'))
  .requiredOption('--name <name>')
  .option('--client-id <id>')
  .option('--client-secret <secret>')
  .option('--run-as-username <username>', 'the user of the client-credentials flow')
  .option('--org-id <id>')
  .action(async (options) => (await commands()).addAppCommand(options));

storeOptions(program.command('token').description('print an access and a refresh token for a user'))
  .requiredOption('--username <username>')
  .option('--client-id <id>', "the connected app (default: the org's first app)")
  .option(
    '--public-url <url>',
    "instance_url of the token (default: the running server's, else http://127.0.0.1:8080)",
  )
  .action(async (options) => (await commands()).tokenCommand(options));

program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`chatterbox: ${error.message}\n`);
  process.exit(1);
});
