import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a dependency (PostgreSQL, Redis) that a test breaks on purpose:
 * - resetAll(): every open connection is reset (RST), as a restart or a network reset does;
 * - refuse(): new connections are refused (nothing listens), open ones keep working;
 * - blackHole(): connections stay open and new ones are accepted, but nothing is forwarded, and
 *   what was sent meanwhile is lost: those connections are dead for good;
 * - partition(): nothing is forwarded either way, but it is held and delivered on heal(), as
 *   TCP retransmits once a network partition ends;
 * - heal(): forwarding again, and listening again.
 */
export class TcpProxy {
  #mode: 'forward' | 'blackhole' | 'partition' = 'forward';
  readonly #pairs = new Set<Pair>();
  #server: Server | undefined;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new TcpProxy(port, target);
    await proxy.#listen();
    return proxy;
  }

  get connections(): number {
    return this.#pairs.size;
  }

  resetAll(): void {
    for (const pair of this.#pairs) pair.reset();
    this.#pairs.clear();
  }

  refuse(): void {
    const server = this.#server;
    this.#server = undefined;
    // Stops listening at once; close()'s callback would wait for every open connection to end.
    server?.close();
  }

  blackHole(): void {
    this.#mode = 'blackhole';
    for (const pair of this.#pairs) pair.kill();
  }

  partition(): void {
    this.#mode = 'partition';
  }

  async heal(): Promise<void> {
    this.#mode = 'forward';
    for (const pair of this.#pairs) pair.flush();
    if (!this.#server) await this.#listen();
  }

  close(): void {
    this.resetAll();
    this.refuse();
  }

  async #listen(): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  #accept(client: Socket): void {
    const pair = new Pair(client, () => this.#mode, this.target);
    if (this.#mode === 'blackhole') pair.kill();
    this.#pairs.add(pair);
    client.on('close', () => this.#pairs.delete(pair));
  }
}

/** One proxied connection: the client's socket and the dependency's. */
class Pair {
  #upstream: Socket | undefined;
  #dead = false;
  readonly #held: { to: 'up' | 'down'; data: Buffer }[] = [];

  constructor(
    private readonly client: Socket,
    private readonly mode: () => 'forward' | 'blackhole' | 'partition',
    private readonly target: { host: string; port: number },
  ) {
    client.on('error', () => {});
    client.on('data', (data) => this.#send('up', data));
    client.on('close', () => this.#upstream?.destroy());
    if (mode() === 'forward') this.#connect();
  }

  /** Black-holed: nothing is forwarded any more, whatever the mode later. */
  kill(): void {
    this.#dead = true;
    this.#held.length = 0;
  }

  reset(): void {
    this.client.resetAndDestroy();
    this.#upstream?.resetAndDestroy();
  }

  flush(): void {
    if (this.#dead) return;
    if (!this.#upstream) this.#connect();
    for (const { to, data } of this.#held.splice(0)) this.#deliver(to, data);
  }

  #connect(): void {
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => this.client.destroy());
    upstream.on('data', (data) => this.#send('down', data));
    upstream.on('close', () => this.client.destroy());
    this.#upstream = upstream;
  }

  #send(to: 'up' | 'down', data: Buffer): void {
    if (this.#dead) return;
    if (this.mode() === 'forward' && this.#upstream) this.#deliver(to, data);
    else if (this.mode() === 'blackhole') this.kill();
    else this.#held.push({ to, data });
  }

  #deliver(to: 'up' | 'down', data: Buffer): void {
    if (to === 'up') this.#upstream?.write(data);
    else this.client.write(data);
  }
}
