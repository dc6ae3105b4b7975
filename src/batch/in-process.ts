import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HourlyReservation } from '../limits/quotas.js';
import type { SharedMark } from '../store/shared-mark.js';

export interface InProcessRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body, already serialized; undefined when there is none. */
  payload?: string | undefined;
  remoteAddress: string | undefined;
  encrypted: boolean;
  /** The batch's hourly quota, which its subrequests draw on (SPEC §7). */
  reservation?: HourlyReservation | undefined;
  /** The change feed's mark the batch's subrequests share while they read no store. */
  mark?: SharedMark | undefined;
}

export interface InProcessResponse {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: string;
  /** The JSON body as the handler returned it, when sendBody wrote it (see keepJson). */
  value?: unknown;
  /** Its JSON text, which the batch's body embeds as it is. */
  text?: string | undefined;
}

/**
 * Called by sendBody with a JSON body and its text: a subrequest's response keeps both, sends no
 * text of its own, and the batch embeds the value and the text as they are: no text is parsed
 * back (JSON.parse alone was a tenth of a batch's CPU), and none is made twice (the journal's copy
 * and the batch's body are the same text). True when it was kept; any other response ignores it.
 */
export function keepJson(raw: unknown, value: unknown, text: string): boolean {
  if (!(raw instanceof SubrequestResponse)) return false;
  raw.value = value;
  raw.text = text;
  return true;
}

/** The JSON text a subrequest's response kept instead of sending it; undefined for any other response. */
export function keptJsonText(raw: unknown): string | undefined {
  return raw instanceof SubrequestResponse ? raw.text : undefined;
}

/** The hourly reservation of the batch a subrequest belongs to; undefined for any other request. */
export function subrequestReservation(request: FastifyRequest): HourlyReservation | undefined {
  const raw: unknown = request.raw;
  return raw instanceof SubrequestMessage ? raw.reservation : undefined;
}

/** The feed mark shared by the batch a subrequest belongs to; undefined for any other request. */
export function subrequestMark(request: FastifyRequest): SharedMark | undefined {
  const raw: unknown = request.raw;
  return raw instanceof SubrequestMessage ? raw.mark : undefined;
}

/**
 * Hands a request to the app's own router (`app.routing`, the entry point of every HTTP request:
 * rewriteUrl, routing, every hook) without a socket: the request and response are the smallest
 * objects Fastify needs. Fastify's `inject` does the same through full stream and
 * ServerResponse objects, which cost more than most of our handlers; a batch runs up to 25 of
 * these back to back, and saving that cost is the point of batching (SPEC §8).
 */
export function dispatchInProcess(app: FastifyInstance, input: InProcessRequest): Promise<InProcessResponse> {
  return new Promise((resolve, reject) => {
    const socket = new SubrequestSocket(input.remoteAddress, input.encrypted);
    const headers: IncomingHttpHeaders = { ...input.headers };
    if (input.payload !== undefined) headers['content-length'] = String(Buffer.byteLength(input.payload));
    const request = new SubrequestMessage(input.method, input.url, headers, socket, input.payload);
    request.reservation = input.reservation;
    request.mark = input.mark;
    const response = new SubrequestResponse((result) => resolve(result));
    response.once('error', reject);
    app.routing(request as unknown as IncomingMessage, response as unknown as ServerResponse);
  });
}

class SubrequestSocket extends EventEmitter {
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly writable = true;
  destroyed = false;

  constructor(
    readonly remoteAddress: string | undefined,
    readonly encrypted: boolean,
  ) {
    super();
  }

  setTimeout(): this {
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

/** The request side: what Fastify reads (method, url, headers, socket) and the body as one chunk. */
class SubrequestMessage extends EventEmitter {
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly complete = true;
  readonly aborted = false;
  reservation: HourlyReservation | undefined;
  mark: SharedMark | undefined;
  #flowing = false;

  constructor(
    public method: string,
    public url: string,
    readonly headers: IncomingHttpHeaders,
    readonly socket: SubrequestSocket,
    private readonly payload: string | undefined,
  ) {
    super();
  }

  /** Made only if something asks (Fastify's pipeline does not): name, value, name, value… */
  get rawHeaders(): string[] {
    return Object.entries(this.headers).flatMap(([name, value]) => [name, String(value)]);
  }

  get connection(): SubrequestSocket {
    return this.socket;
  }

  /** The body reader starts the flow: the whole body, then its end, on the next tick (as a stream). */
  resume(): this {
    if (this.#flowing) return this;
    this.#flowing = true;
    process.nextTick(() => {
      if (this.payload !== undefined && this.payload.length > 0) this.emit('data', Buffer.from(this.payload));
      this.emit('end');
    });
    return this;
  }

  pause(): this {
    return this;
  }

  setEncoding(): this {
    return this;
  }

  destroy(): this {
    return this;
  }
}

/** The response side: collects the status, headers and body; 'finish' fires the onResponse hooks. */
class SubrequestResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  readonly sendDate = false;
  value: unknown;
  text: string | undefined;
  readonly #headers: OutgoingHttpHeaders = {};
  /** Fastify writes a body as one string: kept as it is, not turned into bytes and back. */
  readonly #chunks: (string | Buffer)[] = [];

  constructor(private readonly done: (response: InProcessResponse) => void) {
    super();
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.#headers[name.toLowerCase()] = value as OutgoingHttpHeaders[string];
    return this;
  }

  getHeader(name: string): OutgoingHttpHeaders[string] {
    return this.#headers[name.toLowerCase()];
  }

  getHeaders(): OutgoingHttpHeaders {
    return { ...this.#headers };
  }

  getHeaderNames(): string[] {
    return Object.keys(this.#headers);
  }

  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.#headers;
  }

  removeHeader(name: string): void {
    delete this.#headers[name.toLowerCase()];
  }

  writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (value !== undefined) this.setHeader(name, value);
    }
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Buffer): boolean {
    this.headersSent = true;
    this.#chunks.push(chunk);
    return true;
  }

  end(chunk?: string | Buffer | null): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined && chunk !== null) this.write(chunk);
    this.headersSent = true;
    this.writableEnded = true;
    this.done({
      statusCode: this.statusCode,
      headers: { ...this.#headers },
      body: this.#body(),
      value: this.value,
      text: this.text,
    });
    // As a real response does once its last byte is out: after the current tick.
    process.nextTick(() => {
      this.writableFinished = true;
      this.emit('finish');
      this.emit('close');
    });
    return this;
  }

  #body(): string {
    const [only, ...more] = this.#chunks;
    if (typeof only === 'string' && more.length === 0) return only;
    return Buffer.concat(this.#chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString(
      'utf8',
    );
  }

  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (error && !this.writableEnded) this.emit('error', error);
    this.emit('close');
    return this;
  }
}
