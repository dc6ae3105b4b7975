// The ceiling on this machine: bare Fastify answering one constant users/me-shaped JSON body,
// with no auth, no store and no logging. Usage: node fastify-ceiling.mjs <port> <body.json> <path>
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, bodyFile, path] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const app = Fastify({ logger: false });
app.get(path, (_request, reply) => {
  reply.header('content-type', 'application/json;charset=UTF-8').send(body);
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
