import assert from 'node:assert/strict';
import { maxHeaderSize } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

/** Sends raw bytes to the listening server and reads until it closes the connection. */
function raw(
  port: number,
  request: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {
      // The server destroys the socket once it has answered; what was read is the answer.
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(text)}`));
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status, headers, body });
    });
    socket.end(request);
  });
}

describe('requests the HTTP parser rejects are catalogue errors too (SPEC §2)', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await createHarness();
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const address = h.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => h.close());

  test('malformed HTTP → 400 INVALID_INPUT', async () => {
    for (const request of ['GARBAGE\r\n\r\n', 'GET /services/data/ HTTP/1.1\r\nBad Header\r\n\r\n']) {
      const response = await raw(port, request);
      assert.equal(response.status, 400, request);
      assert.equal(response.headers['content-type'], JSON_TYPE);
      assert.deepEqual(JSON.parse(response.body), [
        { errorCode: 'INVALID_INPUT', message: 'The request is not valid HTTP.' },
      ]);
    }
  });

  test('headers over the limit → 400 INVALID_INPUT naming the limit', async () => {
    const response = await raw(
      port,
      `GET /services/data/v36.0/chatter HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(maxHeaderSize + 1)}\r\n\r\n`,
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(JSON.parse(response.body), [
      {
        errorCode: 'INVALID_INPUT',
        message: `The request headers exceed the limit of ${maxHeaderSize} bytes.`,
      },
    ]);
  });

  test('a well-formed request on the same server is answered normally', async () => {
    const response = await raw(port, 'GET /services/data/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.equal(JSON.parse(response.body)[0].version, '32.0');
  });
});
