import type { JournalExchange, JournalMessage } from './journal.js';

/**
 * Where an exchange was written: its first byte, counted from the ring's first write. A number,
 * not an object, so that the journal entry holding it is the only object an entry keeps.
 */
export type ExchangeSlot = number;

/** What the ring keeps of one message beside its body: headers, sizes, and the body's encoding. */
type Meta = [headers: Record<string, string>, bodyBytes: number, truncated: boolean, body: BodyShape];
/** -1: no body; else the body's UTF-8 bytes, and the lone high surrogate the bound left at its end. */
type BodyShape = -1 | [utf8Bytes: number, loneSurrogate: number];

const LENGTH_BYTES = 4;

/**
 * The journal's exchanges (decision 0041), written as bytes into one buffer outside V8's heap
 * rather than kept as strings and objects inside it: an exchange kept for a thousand requests is
 * promoted to the old generation and dies there, and collecting what the journal dropped cost a
 * batch's subrequest more than anything else it does (decision 0016). Here an exchange costs the
 * young generation what it takes to write it, and nothing after.
 *
 * A ring of fixed size: each exchange is written after the last, wrapping to the start when it
 * does not fit before the end, and one that has been written over is gone (`read` answers
 * undefined). An exchange larger than the whole ring is not kept.
 */
export class ExchangeRing {
  readonly #bytes: Buffer;
  /** Bytes written since the ring was made, the skipped ends included: where the next one goes. */
  #written = 0;

  constructor(readonly size: number) {
    // Outside the pool and unfilled: its pages become resident as the ring first reaches them.
    this.#bytes = Buffer.allocUnsafeSlow(size);
  }

  /** Writes the exchange after the last one; undefined when it is larger than the ring. */
  write(exchange: JournalExchange): ExchangeSlot | undefined {
    const requestBody = utf8Body(exchange.request.body);
    const responseBody = utf8Body(exchange.response.body);
    const meta = JSON.stringify([
      metaOf(exchange.request, requestBody),
      metaOf(exchange.response, responseBody),
    ]);
    const metaBytes = Buffer.byteLength(meta);
    const bytes = LENGTH_BYTES + metaBytes + (requestBody?.bytes ?? 0) + (responseBody?.bytes ?? 0);
    if (bytes > this.size) return undefined;
    let at = this.#written % this.size;
    if (at + bytes > this.size) {
      // Each exchange stays in one piece: the end too short for it is skipped.
      this.#written += this.size - at;
      at = 0;
    }
    const slot = this.#written;
    this.#bytes.writeUInt32LE(metaBytes, at);
    at += LENGTH_BYTES;
    at += this.#bytes.write(meta, at);
    if (requestBody) at += this.#bytes.write(requestBody.text, at);
    if (responseBody) this.#bytes.write(responseBody.text, at);
    this.#written += bytes;
    return slot;
  }

  /** The exchange written at `slot`, unless a later one has been written over it since. */
  read(slot: ExchangeSlot): JournalExchange | undefined {
    // Whatever was written after it starts past its end: it is whole until the ring comes round.
    if (this.#written - slot > this.size) return undefined;
    let at = slot % this.size;
    const metaBytes = this.#bytes.readUInt32LE(at);
    at += LENGTH_BYTES;
    const [requestMeta, responseMeta] = JSON.parse(this.#bytes.toString('utf8', at, at + metaBytes)) as [
      Meta,
      Meta,
    ];
    at += metaBytes;
    const request = messageOf(requestMeta, this.#bytes, at);
    const requestShape = requestMeta[3];
    at += requestShape === -1 ? 0 : requestShape[0];
    return { request, response: messageOf(responseMeta, this.#bytes, at) };
  }
}

/** A body as the ring writes it: UTF-8, the lone surrogate at its end, if any, set apart. */
interface Utf8Body {
  text: string;
  bytes: number;
  lone: number;
}

function utf8Body(body: string | null): Utf8Body | undefined {
  if (body === null) return undefined;
  const lone = loneSurrogateAtEnd(body);
  const text = lone ? body.slice(0, -1) : body;
  return { text, bytes: Buffer.byteLength(text), lone };
}

function metaOf(message: JournalMessage, body: Utf8Body | undefined): Meta {
  return [message.headers, message.bodyBytes, message.truncated, body ? [body.bytes, body.lone] : -1];
}

/**
 * The last code unit when it is a high surrogate without its pair (0 otherwise): the journal's
 * bound may cut a pair in half (journal-capture.ts), and UTF-8 has no encoding for half a pair.
 * Elsewhere a kept body has none (JSON and forms this server serialized escape them; bytes
 * decoded from UTF-8 cannot hold them), or had one that went out as UTF-8 too, and reads back as
 * the client received it.
 */
function loneSurrogateAtEnd(text: string): number {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? last : 0;
}

function messageOf([headers, bodyBytes, truncated, shape]: Meta, bytes: Buffer, at: number): JournalMessage {
  let body: string | null = null;
  if (shape !== -1) {
    const [utf8Bytes, lone] = shape;
    body = bytes.toString('utf8', at, at + utf8Bytes);
    if (lone) body += String.fromCharCode(lone);
  }
  return { headers, body, bodyBytes, truncated };
}
