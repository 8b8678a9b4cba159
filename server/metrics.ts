import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's own registry. prom-client's default Node metrics are left out on purpose: some of
 * them fail `promtool check metrics`. Labels are bounded: kinds, statuses, route patterns.
 */
export function createMetrics() {
  const registry = new Registry();
  const checkRuns = new Counter({
    name: 'suitewatch_check_runs_total',
    help: 'Check results ingested, by probe kind and status.',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
  });
  const checkDuration = new Histogram({
    name: 'suitewatch_check_duration_seconds',
    help: 'How long each check run took on its probe.',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const ingestBatchSize = new Histogram({
    name: 'suitewatch_ingest_batch_results',
    help: 'Results per ingest batch posted by probes.',
    buckets: [1, 5, 10, 50, 100, 500, 1000, 2000, 5000],
    registers: [registry],
  });
  const ingestDropped = new Counter({
    name: 'suitewatch_ingest_dropped_results_total',
    help: 'Results dropped at ingest: unknown check or older than the raw retention period.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const trapsReceived = new Counter({
    name: 'suitewatch_traps_received_total',
    help: 'SNMP traps received and stored, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const trapsRejected = new Counter({
    name: 'suitewatch_traps_rejected_total',
    help: 'SNMP traps refused: unknown community, a packet that does not parse, or a failed store.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const websocketClients = new Gauge({
    name: 'suitewatch_websocket_clients',
    help: 'Dashboards connected over the websocket.',
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'suitewatch_notifications_total',
    help: 'Notification deliveries by channel type and outcome (sent, retrying, failed).',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'suitewatch_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    checkRuns,
    checkDuration,
    ingestBatchSize,
    ingestDropped,
    trapsReceived,
    trapsRejected,
    websocketClients,
    httpDuration,
    notifications,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
