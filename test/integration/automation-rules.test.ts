// The automation rules on the local stack (DynamoDB Local, stream poller, stream handler, local bus): event ->
// rule -> action -> record -> event chains, replay idempotency, loop protection, and a failing webhook endpoint
// on 127.0.0.1 retried then dead-lettered while the other rules go on.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '#functions/ingest/validate.ts';
import type { EventBridgeEnvelope } from '#lib/bus/local-bus.ts';
import { resolveAutomationConfig } from '#lib/rules/config.ts';
import { lookupCustomer } from '#lib/profile/customer-profile.ts';
import { verifyWebhook } from '#lib/rules/webhook-signature.ts';
import { entities, type AnyEntity } from '#schemas/registry.ts';
import { localWebhookSecret, writeLocalClock } from '#local/automation/local-rules.ts';
import { withLocalStack, type LocalStack } from '#local/stack.ts';

const NOW = '2026-10-31T12:00:00.000Z';
const at = (iso: string) => new Date(iso).toISOString();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
const received: Received[] = [];
let base: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = req.url === '/fail' ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'crm-automation-'));
  writeLocalClock(dir, new Date(NOW));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const config = () =>
  resolveAutomationConfig({
    settings: { maxCausationDepth: 2, maxAttempts: 3, backoffMs: 5 },
    webhooks: { broken: { url: `${base}/fail` }, good: { url: `${base}/ok` } },
    rules: [
      {
        id: 'loop-task',
        description: 'A rule that would feed itself forever: every loop task makes another',
        enabled: true,
        trigger: { type: 'event', pattern: { source: ['crm.records'], 'detail-type': ['TaskCreated'], detail: { current: { title: [{ prefix: 'loop' }] } } } },
        actions: [{ type: 'create_task', taskType: 'other', title: 'loop again after {{detail.id}}', owner: { from: 'user', userId: 'rep-a' } }],
      },
      { id: 'hook-broken', description: 'Deal won to an endpoint that is down', enabled: true, trigger: { type: 'event', pattern: { 'detail-type': ['OpportunityWon'] } }, actions: [{ type: 'webhook', endpoint: 'broken' }] },
      { id: 'hook-good', description: 'Deal won to an endpoint that works', enabled: true, trigger: { type: 'event', pattern: { 'detail-type': ['OpportunityWon'] } }, actions: [{ type: 'webhook', endpoint: 'good', body: { amount: '{{detail.current.amount}}' } }] },
    ],
  });

async function write(stack: LocalStack, entity: AnyEntity, ...records: Record<string, unknown>[]) {
  const results = await stack.writer.write(entity, records.map((r) => entity.schema.parse(r) as CrmRecord));
  expect(results.map((r) => r.status)).not.toContain('failed');
}

async function records(stack: LocalStack, entity: string): Promise<Record<string, unknown>[]> {
  const items = ((await stack.client.send(new ScanCommand({ TableName: stack.tableName, ConsistentRead: true }))).Items ?? []).map((i) => unmarshall(i));
  return items.filter((i) => i.sk === 'RECORD' && i.entity === entity).map((i) => i.data as Record<string, unknown>);
}

const archive = (): EventBridgeEnvelope[] =>
  readFileSync(join(dir, 'events', 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventBridgeEnvelope);

const user = (id: string, team: string, role: string, extra: Record<string, unknown> = {}) => ({ id, updatedAt: at('2026-01-01T00:00:00Z'), name: `User ${id}`, email: `${id}@example.com`, team, role, active: true, timezone: 'UTC', createdAt: at('2026-01-01T00:00:00Z'), ...extra });

describe('automation rules on the local stack', () => {
  it('runs event -> rule -> action -> record -> event chains, stops loops, dead-letters a failing webhook and replays idempotently', async () => {
    await withLocalStack(
      dir,
      async (stack) => {
        // Prepare: a sales team with an inactive and a full member, a customer, then a pool lead and a won deal.
        await write(stack, entities.user, user('mgr-s', 'sales', 'manager'), user('rep-a', 'sales', 'rep', { capacity: 10 }), user('rep-b', 'sales', 'rep', { active: false }), user('rep-c', 'sales', 'rep', { capacity: 0 }));
        await write(stack, entities.customer, { id: 'cus-1', updatedAt: at('2026-10-01T00:00:00Z'), kind: 'company', companyName: 'Acme', status: 'active', source: 'web', ownerId: 'rep-a', createdAt: at('2026-01-01T00:00:00Z') });
        await stack.settle();
        await write(stack, entities.lead, { id: 'lea-1', updatedAt: at('2026-10-30T09:00:00Z'), lastName: 'Pool', source: 'web', status: 'new', createdAt: at('2026-10-30T09:00:00Z') });
        const opp = { id: 'opp-1', customerId: 'cus-1', name: 'Big deal', amount: 1200, currency: 'EUR', probability: 0.5, expectedCloseDate: '2026-11-15', ownerId: 'rep-a', createdAt: at('2026-10-01T00:00:00Z') };
        await write(stack, entities.opportunity, { ...opp, updatedAt: at('2026-10-29T10:00:00Z'), stage: 'negotiation' });
        await write(stack, entities.opportunity, { ...opp, updatedAt: at('2026-10-30T10:00:00Z'), stage: 'closed_won', probability: 1, closedAt: at('2026-10-30T10:00:00Z') });
        await write(stack, entities.task, { id: 'tsk-seed', updatedAt: at('2026-10-30T11:00:00Z'), type: 'other', title: 'loop start', dueAt: at('2026-11-01T00:00:00Z'), status: 'open', createdAt: at('2026-10-30T11:00:00Z') });

        // Act
        await stack.settle();

        // Assess: lead assignment skipped the inactive and the full rep, and its task went to the new owner.
        const leads = await records(stack, 'lead');
        expect(leads.find((l) => l.id === 'lea-1')?.ownerId).toBe('rep-a');
        const tasks = await records(stack, 'task');
        const callTask = tasks.find((t) => t.ruleId === 'lead-assignment');
        expect(callTask).toMatchObject({ type: 'call', leadId: 'lea-1', ownerId: 'rep-a', status: 'open', dueAt: '2026-10-31T09:00:00.000Z' });
        // The assignment is a change of its own: its event carries the run that caused it.
        const leadUpdated = archive().find((e) => e['detail-type'] === 'LeadUpdated' && e.detail.id === 'lea-1');
        expect(leadUpdated?.detail.causation).toEqual([expect.stringMatching(/^run-lead-assignment-/)]);
        expect(leadUpdated?.detail.changedFields).toContain('ownerId');

        // Won deal: onboarding tasks for the owner, the unconfigured deal-won webhook in the outbox.
        const onboarding = tasks.filter((t) => t.ruleId === 'won-deal-onboarding');
        expect(onboarding.map((t) => t.type).sort()).toEqual(['onboarding', 'review']);
        expect(onboarding.every((t) => t.opportunityId === 'opp-1' && t.customerId === 'cus-1' && t.ownerId === 'rep-a')).toBe(true);
        expect(readdirSync(join(dir, 'outbox', 'webhooks', 'deal-won'))).toHaveLength(1);
        // Tasks are records of the customer: the 360 view lists the open ones.
        const found = await lookupCustomer(stack.client, stack.tableName, { id: 'cus-1' });
        const profile = found.status === 'found' ? found.profile : undefined;
        expect(profile?.openTasks.map((t) => t.id).sort()).toEqual(onboarding.map((t) => t.id).sort());

        // The working endpoint got one signed call; the broken one got every attempt, then the dead-letter file.
        const good = received.filter((r) => r.path === '/ok');
        expect(good).toHaveLength(1);
        const h = good[0]!.headers;
        expect(verifyWebhook(localWebhookSecret(dir, 'good'), String(h['x-crm-timestamp']), good[0]!.body, String(h['x-crm-signature']))).toBe(true);
        expect(verifyWebhook(localWebhookSecret(dir, 'good'), String(h['x-crm-timestamp']), good[0]!.body.replace('1200', '1201'), String(h['x-crm-signature']))).toBe(false);
        expect(JSON.parse(good[0]!.body)).toMatchObject({ ruleId: 'hook-good', amount: 1200, table: 'opportunities', id: 'opp-1' });
        expect(received.filter((r) => r.path === '/fail')).toHaveLength(3);
        const dead = readFileSync(join(dir, 'automation', 'webhook-dead-letters.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        expect(dead).toEqual([expect.objectContaining({ endpoint: 'broken', attempts: 3, errors: ['HTTP 503', 'HTTP 503', 'HTTP 503'] })]);

        // Loop protection: depth 0, 1, 2 run; the event caused by 3 runs is suppressed and recorded.
        const runs = await records(stack, 'automation_run');
        const loop = runs.filter((r) => r.ruleId === 'loop-task');
        expect(loop.map((r) => `${r.causationDepth}:${r.status}`).sort()).toEqual(['0:succeeded', '1:succeeded', '2:succeeded', '3:suppressed']);
        expect(tasks.filter((t) => String(t.title).startsWith('loop'))).toHaveLength(4);
        const byRule = (id: string) => runs.filter((r) => r.ruleId === id).map((r) => r.status);
        expect(byRule('hook-broken')).toEqual(['failed']);
        expect(byRule('hook-good')).toEqual(['succeeded']);
        expect(byRule('won-deal-onboarding')).toEqual(['succeeded']);
        expect(runs.find((r) => r.ruleId === 'hook-broken')?.error).toContain('dead-lettered');

        // Replay the whole archive: nothing is created twice and no run is recorded again.
        const before = { tasks: tasks.length, runs: runs.length, calls: received.length };
        const replayed = await stack.rules.replay(archive(), stack.sync);
        expect(replayed).toBeGreaterThan(10);
        expect((await records(stack, 'task')).length).toBe(before.tasks);
        const after = await records(stack, 'automation_run');
        expect(after.length).toBe(before.runs);
        // Only the failed run may be tried again (its claim is released); the good endpoint is not called twice.
        expect(received.filter((r) => r.path === '/ok')).toHaveLength(1);
      },
      { automation: config() },
    );
  }, 180_000);

  it('runs date rules for a day: contract 30 days before its end, skipped when renewed', async () => {
    await withLocalStack(
      dir,
      async (stack) => {
        const contract = { customerId: 'cus-1', startDate: '2025-11-30', endDate: '2026-11-30', value: 1000, currency: 'EUR', status: 'active', ownerId: 'rep-a', updatedAt: at('2026-01-01T00:00:00Z') };
        await write(stack, entities.contract, { ...contract, id: 'con-1' }, { ...contract, id: 'con-2' }, { ...contract, id: 'con-3', startDate: '2026-11-30', endDate: '2027-11-30', status: 'draft', renewalOf: 'con-2' });
        await stack.settle();
        const outcomes = await stack.rules.runDays('2026-10-31', '2026-10-31', stack.sync);
        const expiring = outcomes.filter((o) => o.ruleId === 'contract-expiring-30d');
        expect(expiring.map((o) => `${o.eventId}:${o.status}`).sort()).toEqual(['date:2026-10-31:contracts#con-1:succeeded', 'date:2026-10-31:contracts#con-2:skipped']);
        const renewal = (await records(stack, 'task')).filter((t) => t.ruleId === 'contract-expiring-30d');
        expect(renewal).toEqual([expect.objectContaining({ contractId: 'con-1', ownerId: 'rep-a', type: 'renewal', dueAt: '2026-11-07T08:00:00.000Z' })]);
        const mails = readdirSync(join(dir, 'outbox', 'email', '2026-10-31'));
        expect(mails.some((m) => m.includes('contract-expiring-30d'))).toBe(true);
        // Running the same day again does nothing new.
        const again = await stack.rules.runDays('2026-10-31', '2026-10-31', stack.sync);
        expect(again.filter((o) => o.ruleId === 'contract-expiring-30d').map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
        expect(existsSync(join(dir, 'automation', 'dead-letters.ndjson'))).toBe(true);

        // Report events (published here until the churn and segment reports emit them): a retention task, a tier update.
        await stack.bus.publish([
          { source: 'crm.reports', detailType: 'ChurnRiskDetected', detail: { customerId: 'cus-1', churnRisk: 0.82, valueAtRisk: 5000, asOf: '2026-10-31', eventId: 'churn-cus-1-2026-10-31' } },
          { source: 'crm.reports', detailType: 'ChurnRiskDetected', detail: { customerId: 'cus-1', churnRisk: 0.82, valueAtRisk: 5000, asOf: '2026-10-31', eventId: 'churn-cus-1-2026-10-31' } },
          { source: 'crm.reports', detailType: 'CustomerSegmentChanged', detail: { customerId: 'cus-1', fromSegment: 'loyal', toSegment: 'champions', tier: 'platinum', asOf: '2026-10-31' } },
        ]);
        await stack.settle();
        const retention = (await records(stack, 'task')).filter((t) => t.ruleId === 'churn-retention');
        expect(retention).toEqual([expect.objectContaining({ type: 'retention', customerId: 'cus-1', ownerId: 'rep-a', priority: 'high' })]);
        const customer = (await records(stack, 'customer')).find((c) => c.id === 'cus-1');
        expect(customer?.tier).toBe('platinum');
        const tierEvent = archive().find((e) => e['detail-type'] === 'CustomerUpdated' && e.detail.id === 'cus-1');
        expect(tierEvent?.detail.changedFields).toContain('tier');
        expect(tierEvent?.detail.causation).toEqual([expect.stringMatching(/^run-segment-tier-update-/)]);
      },
      { automation: config() },
    );
  }, 180_000);
});
