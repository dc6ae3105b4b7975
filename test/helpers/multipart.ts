import { randomBytes } from 'node:crypto';

/** One part of a multipart/form-data body: a field, or a file with its name and type. */
export type Part =
  | { name: string; value: string; contentType?: string }
  | { name: string; filename: string; contentType: string; data: Buffer };

/** A multipart/form-data body and its Content-Type header, as a browser or jsforce sends it. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----chatterbox${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if ('filename' in part) {
      head += `; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`;
      chunks.push(Buffer.from(head), part.data, Buffer.from('\r\n'));
    } else {
      head += part.contentType ? `\r\nContent-Type: ${part.contentType}\r\n\r\n` : '\r\n\r\n';
      chunks.push(Buffer.from(head), Buffer.from(part.value), Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
