// The bulk import's Lambda entries as AWS invokes them (middy, Powertools, environment, SDK clients created at module
// scope): the starter from an EventBridge event, the planner from the state machine's Plan payload.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { inMemoryS3, type InMemoryS3 } from '../bulk-import/in-memory-s3.ts';

const sfn = mockClient(SFNClient);
let s3: InMemoryS3;
const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:crm-dev-bulk-import';

beforeAll(() => {
  vi.stubEnv('STATE_MACHINE_ARN', ARN);
  vi.stubEnv('BATCH_RECORDS', '2');
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  vi.stubEnv('LOG_LEVEL', 'ERROR');
  s3 = inMemoryS3();
});
afterAll(() => {
  sfn.restore();
  s3.restore();
  vi.unstubAllEnvs();
});

describe('functions/ingest/bulk/start.ts', () => {
  it('starts the state machine named in its environment for an Object Created event', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:run` });
    const { handler } = await import('#functions/ingest/bulk/start.ts');
    const event = { 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: 'b' }, object: { key: 'imports/orders/big.ndjson', size: 100_000_000, etag: '"e"', sequencer: '01' } } };
    await handler(event as never, context);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ARN, name: expect.stringMatching(/^import-[0-9a-f]{64}$/) });
  });
});

describe('functions/ingest/bulk/plan.ts', () => {
  it('plans with the batch size from its environment', async () => {
    const body = Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `o-${i}` })).join('\n') + '\n';
    s3.objects.set('b/imports/orders/big.ndjson', Buffer.from(body));
    const { handler } = await import('#functions/ingest/bulk/plan.ts');
    const result = await handler({ input: { bucket: 'b', key: 'imports/orders/big.ndjson', size: body.length, etag: s3.etagOf('b', 'imports/orders/big.ndjson') }, executionName: 'import-x' }, context);
    expect(result).toMatchObject({ status: 'planned', batches: 3, manifestKey: 'bulk-imports/import-x/manifest.json' });
  });
});
