import { createHash, type Hash } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';

/** The size of the chunks a file's bytes are stored in (decision 0009). */
export const FILE_CHUNK_BYTES = 256 * 1024;

/**
 * How long an upload may go without writing a chunk (its heartbeat, `FileRepository.appendChunk`)
 * before a starting server takes it for one whose server died and removes it. Idle time, by the
 * server clock, not age: a slow 100 MB upload keeps beating every 256 KiB.
 */
export const UPLOAD_IDLE_MS = 10 * 60_000;

/** At start-up: removes the uploads left behind by a server that died mid-upload (decision 0009). */
export function sweepStaleUploads(store: Store, clock: Clock): Promise<number> {
  return store.files.sweepUploads(clock.now() - UPLOAD_IDLE_MS);
}

/**
 * The bytes of one upload on their way into the store: cut into FILE_CHUNK_BYTES chunks, each
 * written as soon as it is whole, so an upload holds at most one chunk in memory. The MD5 and the
 * first bytes (to tell an image) are taken on the way.
 */
export class ChunkWriter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #seq = 0;
  #size = 0;
  #head: Buffer = Buffer.alloc(0);
  readonly #md5: Hash = createHash('md5');

  constructor(
    private readonly store: Store,
    private readonly fileId: string,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.#size;
  }

  async write(data: Buffer): Promise<void> {
    this.#md5.update(data);
    this.#size += data.length;
    if (this.#head.length < 16) this.#head = Buffer.concat([this.#head, data.subarray(0, 16)]);
    let rest = data;
    while (rest.length > 0) {
      const room = FILE_CHUNK_BYTES - this.#pendingBytes;
      const piece = rest.subarray(0, room);
      this.#pending.push(piece);
      this.#pendingBytes += piece.length;
      rest = rest.subarray(piece.length);
      if (this.#pendingBytes === FILE_CHUNK_BYTES) await this.#flush();
    }
  }

  /** Writes the last, shorter chunk; returns the checksum and whether the bytes are an image. */
  async end(): Promise<{ checksum: string; isImage: boolean; size: number }> {
    if (this.#pendingBytes > 0) await this.#flush();
    return { checksum: this.#md5.digest('hex'), isImage: isImageHead(this.#head), size: this.#size };
  }

  async #flush(): Promise<void> {
    const chunk = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!(await this.store.files.appendChunk(this.fileId, this.#seq, chunk, this.clock.now())))
      throw new Error(`Upload ${this.fileId} was removed while it was written (idle past the sweep)`);
    this.#seq++;
  }
}

/** PNG, JPEG, GIF and WebP, by their signatures: the formats renditions and photos are made of. */
export function isImageHead(head: Buffer): boolean {
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return true;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return true;
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'GIF8') return true;
  return (
    head.length >= 12 &&
    head.subarray(0, 4).toString('latin1') === 'RIFF' &&
    head.subarray(8, 12).toString('latin1') === 'WEBP'
  );
}

/** `fileType` by extension, as Salesforce names them; anything else is `Unknown`. */
const FILE_TYPES: Record<string, string> = {
  png: 'Png',
  jpg: 'Jpg',
  jpeg: 'Jpeg',
  gif: 'Gif',
  bmp: 'Bmp',
  webp: 'Webp',
  pdf: 'Pdf',
  txt: 'Text',
  csv: 'Csv',
  html: 'Html',
  htm: 'Html',
  xml: 'Xml',
  json: 'Json',
  rtf: 'Rtf',
  zip: 'Zip',
  mp3: 'Mp3',
  mp4: 'Mp4',
  doc: 'Word',
  docx: 'Word_x',
  xls: 'Excel',
  xlsx: 'Excel_x',
  ppt: 'Power_point',
  pptx: 'Power_point_x',
};

/** `report.final.PDF` → `pdf`; a name without a dot has none (''). */
export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function fileType(name: string): string {
  return FILE_TYPES[fileExtension(name)] ?? 'Unknown';
}

/** The default title: the file name without its extension. */
export function titleOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}
