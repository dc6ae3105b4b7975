// Runs under Node 22 (test/conformance/node22): @salesforce/core 9 requires it. Drives a real
// Connection and AuthInfo for test/conformance/salesforce-core.test.ts, one JSON line per step on
// stdin, one JSON line per answer on stdout: { id, ok, value } or { id, ok: false, error }.
import { createInterface } from 'node:readline';
import { AuthInfo, Connection } from '@salesforce/core';

let conn;
let authInfo;

const steps = {
  async loginAccessToken({ instanceUrl, accessToken }) {
    authInfo = await AuthInfo.create({
      accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl },
    });
    conn = await Connection.create({ authInfo });
    return {
      username: authInfo.getUsername(),
      orgId: authInfo.getFields().orgId,
      instanceUrl: conn.instanceUrl,
    };
  },
  async loginRefreshToken({ loginUrl, refreshToken, clientId, clientSecret }) {
    authInfo = await AuthInfo.create({ oauth2Options: { loginUrl, refreshToken, clientId, clientSecret } });
    conn = await Connection.create({ authInfo });
    const fields = authInfo.getFields();
    return { username: fields.username, orgId: fields.orgId, instanceUrl: conn.instanceUrl };
  },
  async request({ method = 'GET', url, body, retry }) {
    // A string body goes as it is ('' for a body-less POST: without any body, jsforce-node never
    // sends the request at all; docs/clients.md), anything else as JSON.
    const payload =
      body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) };
    const request = { method, url, ...payload };
    const value = await conn.request(request, retry ? { retry } : undefined);
    return value === undefined ? null : value;
  },
  accessToken() {
    return conn.accessToken;
  },
};

function describeError(error) {
  return {
    name: error.name,
    message: error.message,
    errorCode: error.errorCode ?? null,
    data: error.data ?? null,
  };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { id, step, args } = JSON.parse(line);
  try {
    const value = await steps[step](args ?? {});
    process.stdout.write(`${JSON.stringify({ id, ok: true, value })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, ok: false, error: describeError(error) })}\n`);
  }
}
