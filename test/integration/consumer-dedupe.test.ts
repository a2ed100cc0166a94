// Consumers are idempotent by the event's stream sequence (record events) or producer id (report and automation
// events) under heavy stream faults: 30% of lake puts fail with S3 5xx and 60% of PutEvents entries fail, so the
// stream handler republishes events again and again. On the real local stack (DynamoDB Local, stream poller,
// stream handler, the EventBridge adapter over a local PutEvents, rules on the local bus), no action runs twice:
// no task is written twice, no webhook is POSTed twice to a server on 127.0.0.1, no notification is sent twice,
// and an archive replay of every event (duplicates included) adds nothing.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import type { Notification } from '#functions/rules/ports.ts';
import { EventBridgeBus } from '#lib/bus/eventbridge-bus.ts';
import type { EventBridgeEnvelope } from '#lib/bus/local-bus.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';
import { IDEMPOTENCY_HEADER } from '#lib/rules/webhook-signature.ts';
import { generateDemo } from '#local/demo/generate.ts';
import { writeLocalClock } from '#local/automation/local-rules.ts';
import { withLocalStack, type LocalStack } from '#local/stack.ts';
import { REPORT_EVENT_SOURCE } from '#schemas/events.ts';
import { entityByTable } from '#schemas/registry.ts';
import { FaultPlan, FaultyObjectStore, localEventBridgeClient } from '../faults/fault-injection.ts';

const NOW = '2026-10-31T12:00:00.000Z';
const CUTOFF = Date.parse(NOW) - 30 * 86_400_000;

let server: Server;
let base: string;
let dir: string;
const posts: { key: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push({ key: String(req.headers[IDEMPOTENCY_HEADER.toLowerCase()]), body: JSON.parse(body) as Record<string, unknown> });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'crm-dedupe-'));
  writeLocalClock(dir, new Date(NOW));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const config = () =>
  resolveAutomationConfig({
    // Enough in-run attempts that a run is not failed by the injected PutEvents faults alone (0.6^4 per emit).
    settings: { maxAttempts: 8, backoffMs: 1 },
    webhooks: { erp: { url: `${base}/orders` } },
    rules: [
      {
        id: 'order-hook',
        description: 'Every new order: a task, a webhook, a notification and a follow-on event, in that order',
        enabled: true,
        trigger: { type: 'event', pattern: { 'detail-type': ['OrderCreated'] } },
        actions: [
          { type: 'create_task', taskType: 'other', title: 'Check order {{detail.id}}', owner: { from: 'user', userId: 'mgr-sales' } },
          { type: 'webhook', endpoint: 'erp', body: { order: '{{detail.id}}' } },
          { type: 'notify', channel: 'topic', to: { from: 'user', userId: 'mgr-sales' }, subject: 'Order {{detail.id}}', body: 'New order {{detail.id}}' },
          // The emit fails often (60% of entries, four adapter attempts): the run retries from here, not from the start.
          { type: 'emit_event', detailType: 'AutomationNotice', data: { kind: 'order' } },
        ],
      },
      {
        id: 'notice-task',
        description: 'A consumer of the emitted event (deduplicated by its producer-set eventId)',
        enabled: true,
        trigger: { type: 'event', pattern: { 'detail-type': ['AutomationNotice'], detail: { ruleId: ['order-hook'] } } },
        actions: [{ type: 'create_task', taskType: 'other', title: 'Follow up {{detail.id}}', owner: { from: 'user', userId: 'mgr-sales' } }],
      },
    ],
  });

async function scanRecords(stack: LocalStack, entity: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await stack.client.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...(page.Items ?? []).map((i) => unmarshall(i)).filter((i) => i.sk === 'RECORD' && i.entity === entity).map((i) => i.data as Record<string, unknown>));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
}

const archive = (): EventBridgeEnvelope[] =>
  readFileSync(join(dir, 'events', 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventBridgeEnvelope);

/** How often each value occurs. */
function tally(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}
const repeated = (values: string[]) => [...tally(values)].filter(([, n]) => n > 1);

describe('consumers under heavy stream faults', () => {
  it('take every action once although the stream handler republishes events many times', async () => {
    // Prepare: a month of demo data ending at NOW, the faults around the lake and the bus adapters.
    const data = generateDemo({ seed: 5, customers: 30, months: 1, asOf: new Date(NOW) }) as unknown as Record<string, CrmRecord[]>;
    const plan = new FaultPlan({ s3ServerError: 0.3, failedPutEventsEntry: 0.6 }, 42);
    let publisher: EventBridgeBus | undefined;
    await withLocalStack(
      dir,
      async (stack) => {
        const sends = vi.spyOn(stack.rules.outbox, 'send');
        for (const [table, records] of Object.entries(data)) {
          const entity = entityByTable(table);
          if (!entity || records.length === 0) continue;
          const results = await stack.writer.write(entity, records);
          expect(results.filter((r) => r.status === 'failed')).toEqual([]);
        }
        // Two report runs of the same day publish the same findings (report event consumers: churn retention).
        const atRisk = data.customers!.slice(0, 3).map((c) => c.id);
        const findings = atRisk.map((customerId) => ({ source: REPORT_EVENT_SOURCE, detailType: 'ChurnRiskDetected', detail: { customerId, churnRisk: 0.9, valueAtRisk: 120.5, currency: 'EUR', asOf: '2026-10-30' } }));
        for (let run = 0; run < 2; run++) expect(await publisher!.publish(findings)).toEqual([]);

        // Act: drain the stream and work off the rules until nothing is left, then replay the whole archive.
        await stack.settle();
        const before = { posts: posts.length, sends: sends.mock.calls.length, tasks: (await scanRecords(stack, 'task')).length };
        await stack.rules.replay(archive(), stack.sync);
        const after = { posts: posts.length, sends: sends.mock.calls.length, tasks: (await scanRecords(stack, 'task')).length };

        // Assess: the faults happened and made the stream handler republish events, and nothing was dead-lettered.
        expect(plan.counts.s3ServerError).toBeGreaterThan(20);
        expect(plan.counts.failedPutEventsEntry).toBeGreaterThan(300);
        const events = archive();
        const recordEventKeys = events.filter((e) => typeof e.detail.seq === 'string').map((e) => `${e['detail-type']}#${e.detail.seq}`);
        expect(repeated(recordEventKeys).length).toBeGreaterThan(50);
        expect(existsSync(join(dir, 'stream', 'dead-letters.ndjson'))).toBe(false);
        expect(existsSync(join(dir, 'automation', 'dead-letters.ndjson'))).toBe(false);

        // Every order created inside the history window got one task, one POST, one notification, one follow-up.
        const recentOrders = data.orders!.filter((o) => Date.parse(o.updatedAt) >= CUTOFF).map((o) => o.id);
        expect(recentOrders.length).toBeGreaterThan(10);
        const tasks = await scanRecords(stack, 'task');
        const orderTasks = tasks.filter((t) => t.ruleId === 'order-hook');
        expect(orderTasks.map((t) => String(t.title).replace('Check order ', '')).sort()).toEqual([...recentOrders].sort());
        expect(repeated(posts.map((p) => p.key))).toEqual([]);
        expect(posts.map((p) => p.body.order).sort()).toEqual([...recentOrders].sort());
        const notifications = sends.mock.calls.map(([n]) => n as Notification);
        expect(repeated(notifications.map((n) => n.idempotencyKey))).toEqual([]);
        expect(notifications.filter((n) => n.ruleId === 'order-hook')).toHaveLength(recentOrders.length);
        expect(tasks.filter((t) => t.ruleId === 'notice-task')).toHaveLength(recentOrders.length);
        // Report findings published twice: one retention task per customer.
        expect(tasks.filter((t) => t.ruleId === 'churn-retention').map((t) => t.customerId).sort()).toEqual([...atRisk].sort());

        // Each task was written once: one TaskCreated change and no update of it, however often its events were republished.
        const taskChanges = events.filter((e) => e.source === 'crm.records' && e.detail.table === 'tasks');
        const createdSeqs = new Map<string, Set<string>>();
        for (const e of taskChanges.filter((e) => e['detail-type'] === 'TaskCreated')) (createdSeqs.get(String(e.detail.id)) ?? createdSeqs.set(String(e.detail.id), new Set()).get(String(e.detail.id))!).add(String(e.detail.seq));
        expect(createdSeqs.size).toBe(tasks.length);
        expect([...createdSeqs.values()].filter((s) => s.size !== 1)).toEqual([]);
        expect(taskChanges.filter((e) => e['detail-type'] === 'TaskUpdated')).toEqual([]);

        // Runs: one per rule and change, none failed; some needed several attempts (the emit failed) without repeating the webhook.
        const runs = await scanRecords(stack, 'automation_run');
        expect(repeated(runs.map((r) => `${r.ruleId}#${r.eventId}`))).toEqual([]);
        expect(runs.filter((r) => r.status === 'failed')).toEqual([]);
        expect(runs.filter((r) => r.ruleId === 'order-hook' && Number(r.attempts) > 1).length).toBeGreaterThan(0);

        // The replay of every archived event, duplicates included, took no action at all.
        expect(after).toEqual(before);
      },
      {
        automation: config(),
        adapters: {
          lake: (lake) => new FaultyObjectStore(lake, plan),
          bus: (bus) => (publisher = new EventBridgeBus({ client: localEventBridgeClient(bus, plan), busName: 'crm', backoffMs: 1 })),
        },
        // Small batches and many attempts: the faults must cost retries, never dead letters.
        stream: { batchSize: 50, maxAttempts: 40, retryDelayMs: 0 },
      },
    );
  }, 300_000);
});
