import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { onDependencyLatency } from '../dependencies/latency.js';
import { droppedLogLines } from '../lib/log-destination.js';
import type { Services } from '../services.js';
import { checkAdminToken } from './admin-token.js';

/**
 * The process's own figures (event-loop lag, memory, CPU, handles), collected once per process:
 * prom-client samples the event loop with a histogram that stays enabled, and every app a test
 * builds would add one.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 20 });
    // Every store statement and Redis command of this process (src/dependencies/latency.ts).
    const latency = new Histogram({
      name: 'chatterbox_dependency_duration_seconds',
      help: 'Time each store statement or Redis command took, by dependency',
      labelNames: ['dependency'] as const,
      buckets: DEPENDENCY_BUCKETS,
      registers: [processRegistry],
    });
    const store = latency.labels('store');
    const redis = latency.labels('redis');
    onDependencyLatency((dependency, seconds) => (dependency === 'store' ? store : redis).observe(seconds));
    new Counter({
      name: 'chatterbox_log_lines_dropped_total',
      help: 'Log lines dropped because stdout was not read as fast as they were written',
      registers: [processRegistry],
      collect() {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
  }
  return processRegistry;
}

const DEPENDENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 5,
];

const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `GET /_chatterbox/metrics` in Prometheus's text format, behind the admin token like the rest of
 * the control plane (decision 0026). Per request: one counter and one histogram observation,
 * labelled by the route's pattern (never the raw path, which would grow without bound).
 */
export function registerMetrics(app: FastifyInstance, services: Services): void {
  const processRegistry = processMetrics();
  const registry = new Registry();
  const requests = new Counter({
    name: 'chatterbox_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern, status and errorCode',
    labelNames: ['method', 'route', 'status', 'error_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'chatterbox_http_request_duration_seconds',
    help: 'Time from request to response, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'chatterbox_quota_refusals_total',
    help: 'Requests refused by the hourly or daily quota (REQUEST_LIMIT_EXCEEDED), by status',
    labelNames: ['status'] as const,
    registers: [registry],
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const errorCode = request.errorCode ?? '';
    requests.labels(request.method, route, status, errorCode).inc();
    duration.labels(request.method, route).observe(reply.elapsedTime / 1000);
    if (errorCode === 'REQUEST_LIMIT_EXCEEDED') refusals.labels(status).inc();
    done();
  });

  app.get(
    '/_chatterbox/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['control'] } },
    async (request, reply) => {
      checkAdminToken(request.headers.authorization, services.config.adminToken);
      const text = `${await registry.metrics()}\n${await processRegistry.metrics()}`;
      return reply.code(200).header('content-type', registry.contentType).send(text);
    },
  );
}
