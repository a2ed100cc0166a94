// The customer look-up routes in the stack: IAM-authorised GET routes, a read-only function limited to the key
// prefixes the profile reads, and provisioned concurrency behind a `live` alias when configured.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTestApp, logicalId } from './crm-app-fixture.ts';

describe('customer profile API', () => {
  const { stack } = buildTestApp();
  const template = Template.fromStack(stack);

  it('routes GET /v1/customers and GET /v1/customers/{id} with IAM auth to the profile function', () => {
    for (const routeKey of ['GET /v1/customers', 'GET /v1/customers/{id}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: 'AWS_IAM' });
    }
    expect(stack.customerProfile.target).toBe(stack.customerProfile.function.function);
    template.resourcePropertiesCountIs('AWS::Lambda::Alias', { Name: 'live' }, 0);
  });

  it('may only read (GetItem, BatchGetItem, Query) on the table, never its indexes, under the profile key prefixes', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === logicalId(stack.customerProfile.function.role)),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]).toMatchObject({
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      Resource: { 'Fn::GetAtt': [logicalId(stack.table.table), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expect.arrayContaining(['customers#*', 'IDENTITY#customers#*', 'PROFILE#*', 'scores#*']) } },
    });
    const leading = (dynamo[0]!.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringLike']!['dynamodb:LeadingKeys']!;
    // Automation index, tombstones, audit and run claims stay out of reach.
    for (const prefix of ['DUE#*', 'TOMBSTONE#*', 'ERASURE#*', 'RUN#*', 'ORDERVALUE#*', 'users#*']) expect(leading).not.toContain(prefix);
    const writes = statements.flatMap((s) => [s.Action].flat()).filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite|TransactWrite)/.test(a));
    expect(writes).toEqual([]);
  });

  it('keeps environments warm behind a live alias when provisioned concurrency is configured', { timeout: 300_000 }, () => {
    const { stack: warm } = buildTestApp({ profileProvisionedConcurrency: '2' });
    const t = Template.fromStack(warm);
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { Ref: Match.stringLikeRegexp('CustomerProfileLive') } });
  });
});
