// The analyst and operator managed policies: what each may do, and what the analyst may not touch.
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';

const { stack } = buildTestApp({ stage: 'access', 'aws:cdk:bundling-stacks': [] });
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statementsOf = (policy: typeof stack.access.analystPolicy) => (Stack.of(policy).resolve(policy.document.toJSON()) as { Statement: Statement[] }).Statement;
const actionsOf = (policy: typeof stack.access.analystPolicy) => statementsOf(policy).flatMap((s) => [s.Action].flat());

describe('analyst policy', () => {
  const statements = statementsOf(stack.access.analystPolicy);
  const text = JSON.stringify(statements);

  it('runs queries in the stage workgroup and reads the stage database', () => {
    expect(actionsOf(stack.access.analystPolicy)).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryResults', 'glue:GetTable', 'glue:GetPartitions', 's3:GetObject']));
    expect(text).toContain('workgroup/crm-access');
    expect(text).toContain('table/crm_access/*');
  });

  it('reads only the lake, report and Athena result prefixes of the lake bucket, and writes only results', () => {
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const objects = JSON.stringify(s3.filter((s) => s.Action === 's3:GetObject').map((s) => s.Resource));
    for (const prefix of ['/lake/*', '/reports/*', '/athena-results/*']) expect(objects).toContain(prefix);
    expect(JSON.stringify(s3.find((s) => s.Action === 's3:PutObject')!.Resource)).toContain('/athena-results/*');
    expect(s3.flatMap((s) => [s.Action].flat()).sort()).toEqual(['s3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('has no DynamoDB, no import bucket, no pseudonymisation secret and no other key than the lake key', () => {
    for (const action of actionsOf(stack.access.analystPolicy)) expect(action).toMatch(/^(athena|glue|s3|kms):/);
    expect(text).not.toContain(logicalId(stack.imports.bucket));
    expect(text).not.toContain(logicalId(stack.table.table));
    expect(text).not.toContain(logicalId(stack.pseudonymKey.secret));
    const keys = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:'))).flatMap((s) => [s.Resource].flat());
    expect(keys).toEqual([{ 'Fn::GetAtt': [logicalId(stack.lake.encryptionKey), 'Arn'] }]);
  });
});

describe('operator policy', () => {
  it('replays from this archive into this bus and works the dead-letter queues', () => {
    const statements = statementsOf(stack.access.operatorPolicy);
    expect(actionsOf(stack.access.operatorPolicy)).toEqual(expect.arrayContaining(['events:StartReplay', 'events:PutEvents', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask', 'lambda:InvokeFunction']));
    expect(statements.find((s) => [s.Action].flat().includes('events:StartReplay'))!.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.bus.archive), 'Arn'] });
    const queues = statements.find((s) => [s.Action].flat().includes('sqs:ReceiveMessage'))!.Resource as unknown[];
    expect(queues.length).toBeGreaterThanOrEqual(5);
    expect(actionsOf(stack.access.operatorPolicy).some((a) => a.startsWith('dynamodb:') || a.startsWith('secretsmanager:'))).toBe(false);
  });

});
