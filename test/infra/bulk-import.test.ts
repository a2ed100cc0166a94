// The bulk-import orchestration in the synthesized template: size-routed rules, the state machine's Plan ->
// Distributed Map -> Finish with its retries, catches and concurrency, the alarms, the DLQ and the exact grants.
// A small stack without bundling keeps this fast; least-privilege.test.ts and cdk-nag.test.ts cover the whole app.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import validateAsl from 'asl-validator';
import { CrmEventBus } from '../../infra/constructs/crm-event-bus.ts';
import { CrmTable } from '../../infra/constructs/crm-table.ts';
import { ImportBucket } from '../../infra/constructs/import-bucket.ts';
import { ImportPipeline } from '../../infra/constructs/import-pipeline.ts';
import { concurrencyFor } from '../../infra/constructs/bulk-import.ts';
import { cdkJson, logicalId, TEST_ENV } from './crm-app-fixture.ts';

function build(bulk: ConstructorParameters<typeof ImportPipeline>[2]['bulk'] = {}) {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'BulkTest', { env: TEST_ENV });
  const imports = new ImportBucket(stack, 'Imports');
  const table = new CrmTable(stack, 'Records');
  const bus = new CrmEventBus(stack, 'Events', { eventBusName: 'crm-test' });
  const pipeline = new ImportPipeline(stack, 'Import', { namePrefix: 'crm-test', bucket: imports.bucket, table: table.table, eventBus: bus.eventBus, bulk });
  const template = Template.fromStack(stack);
  return { stack, pipeline, template, json: template.toJSON() as { Resources: Record<string, { Type: string; Properties: any }> } };
}

const { pipeline, template, json } = build();

/** The state machine's definition, each `${...}` substitution replaced by `<its CloudFormation value>`. */
function definition(): any {
  const sm = json.Resources[logicalId(pipeline.bulk.stateMachine)]!.Properties;
  const text = (sm.DefinitionString as string).replace(/\$\{(\w+)\}/g, (_, name: string) => `<${JSON.stringify(sm.DefinitionSubstitutions[name]).replace(/"/g, "'")}>`);
  return JSON.parse(text);
}

const policyActions = (roleLogicalId: string) =>
  Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleLogicalId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

describe('bulk import in the template', () => {
  it('routes by size: under the threshold to the direct function, at or above it to the bulk starter', () => {
    const rules = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern?.source?.[0] === 'aws.s3');
    const sizes = rules.map((r) => r.Properties.EventPattern.detail.object.size).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sizes).toEqual([[{ numeric: ['<', 64 * 1024 * 1024] }], [{ numeric: ['>=', 64 * 1024 * 1024] }]]);
    for (const r of rules) expect(r.Properties.EventPattern.detail.object.key).toEqual([{ prefix: 'imports/' }]);
    const bulkRule = json.Resources[logicalId(pipeline.bulk.rule)]!.Properties;
    expect(bulkRule.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(pipeline.bulk.startFunction.function), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(pipeline.bulk.deliveryDeadLetterQueue.queue), 'Arn'] } } }),
    ]);
  });

  it('is a Standard state machine: Plan, a Distributed Map over the manifest with bounded concurrency, Finish', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'crm-test-bulk-import', StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: Match.objectLike({ Level: 'ALL' }) });
    const d = definition();
    expect(d.StartAt).toBe('Plan');
    expect(d.States.Plan).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Planned?' });
    expect(d.States['Planned?'].Choices).toEqual([{ Variable: '$.status', StringEquals: 'planned', Next: 'ImportBatches' }]);
    const map = d.States.ImportBatches;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.import.bucket', 'Key.$': '$.manifestKey' } },
      ItemSelector: { 'range.$': '$$.Map.Item.Value', 'import.$': '$.import' },
      MaxConcurrency: 8,
      ToleratedFailurePercentage: 10,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'ImportBatch' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapFailure', Next: 'Finish' }],
      Next: 'Finish',
    });
    // A batch is retried, then its failure is recorded beside the run, and the Map goes on.
    const batch = map.ItemProcessor.States.ImportBatch;
    expect(batch.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3, BackoffRate: 2 })]);
    expect(batch.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailedBatch' }]);
    expect(map.ItemProcessor.States.RecordFailedBatch).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
      Parameters: { 'Key.$': "States.Format('{}batches/{}.failed.json', $.import.runPrefix, $.range.name)", 'Body.$': 'States.JsonToString($.failure)' },
      End: true,
    });
    expect(d.States.Finish.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.TaskFailed'] })]));
    expect(d.States['MapFailed?'].Choices).toEqual([{ Variable: '$.mapFailure', IsPresent: true, Next: 'TooManyBatchesFailed' }]);
    expect(d.States.TooManyBatchesFailed.Type).toBe('Fail');
    // The three Lambda states call the three bulk functions.
    const arnOf = (fn: { function: object }) => `<${JSON.stringify({ 'Fn::GetAtt': [logicalId(fn.function as never), 'Arn'] }).replace(/"/g, "'")}>`;
    expect([d.States.Plan.Parameters.FunctionName, batch.Parameters.FunctionName, d.States.Finish.Parameters.FunctionName]).toEqual([
      arnOf(pipeline.bulk.planFunction),
      arnOf(pipeline.bulk.batchFunction),
      arnOf(pipeline.bulk.finishFunction),
    ]);
  });

  it('is valid Amazon States Language (asl-validator), and the check is live', () => {
    const sm = json.Resources[logicalId(pipeline.bulk.stateMachine)]!.Properties;
    const withArns = JSON.parse((sm.DefinitionString as string).replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:eu-central-1:123456789012:function:${name}`));
    expect(validateAsl(withArns)).toMatchObject({ isValid: true, errors: [] });
    const broken = structuredClone(withArns);
    broken.States.ImportBatches.ItemProcessor.ProcessorConfig.Mode = 'SIDEWAYS';
    expect(validateAsl(broken).isValid).toBe(false);
  });

  it('sizes the concurrency to the table: on-demand by its write ceiling, provisioned by its write capacity, or as configured', () => {
    expect(concurrencyFor({ mode: 'onDemand' })).toBe(8);
    expect(concurrencyFor({ mode: 'onDemand', maxWriteUnits: 40_000 })).toBe(80);
    expect(concurrencyFor({ mode: 'provisioned', writeCapacityUnits: 1200 })).toBe(2);
    expect(concurrencyFor({ mode: 'provisioned', writeCapacityUnits: 100 })).toBe(1);
    const provisioned = build({ tableCapacity: { mode: 'provisioned', writeCapacityUnits: 2500 }, thresholdBytes: 1_000_000 });
    expect(provisioned.pipeline.bulk.maxConcurrency).toBe(5);
    expect(JSON.stringify(provisioned.template.toJSON())).toContain('\\"MaxConcurrency\\":5');
    expect(build({ maxConcurrency: 3 }).pipeline.bulk.maxConcurrency).toBe(3);
  });

  it('alarms on failed, timed-out or aborted executions and on undelivered events; the starter has a DLQ', () => {
    const alarm = json.Resources[logicalId(pipeline.bulk.failedExecutionsAlarm)]!.Properties;
    expect(alarm.Metrics.find((m: any) => m.Expression)?.Expression).toBe('failed + timedOut + aborted');
    expect(alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(json.Resources[logicalId(pipeline.bulk.failedInvocationsAlarm)]!.Properties).toMatchObject({ MetricName: 'FailedInvocations', Namespace: 'AWS/Events' });
    expect(json.Resources[logicalId(pipeline.bulk.startFunction.function)]!.Properties.DeadLetterConfig).toBeDefined();
  });

  it('grants each role exactly its calls: the starter StartExecution on this state machine only, the Map its own children and the run prefix', () => {
    const start = policyActions(logicalId(pipeline.bulk.startFunction.role));
    expect(start.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')))).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: 'arn:aws:states:eu-central-1:123456789012:stateMachine:crm-test-bulk-import' },
    ]);
    const sm = policyActions(logicalId(pipeline.bulk.stateMachine.role));
    const byAction = (action: string) => sm.filter((s) => [s.Action].flat().includes(action)).map((s) => JSON.stringify(s.Resource));
    expect(byAction('states:StartExecution')).toEqual([expect.stringContaining(':stateMachine:crm-test-bulk-import')]);
    expect(byAction('states:DescribeExecution')).toEqual([expect.stringContaining(':execution:crm-test-bulk-import/*')]);
    expect(byAction('lambda:InvokeFunction')).toHaveLength(1);
    expect(byAction('s3:GetObject')).toEqual([expect.stringContaining('/bulk-imports/*')]);
    expect(byAction('s3:PutObject')).toEqual([expect.stringContaining('/bulk-imports/*')]);
    // The batches write records and read only the import prefix; the planner never touches the table.
    const batchActions = policyActions(logicalId(pipeline.bulk.batchFunction.role)).flatMap((s) => [s.Action].flat());
    expect(batchActions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem']);
    expect(policyActions(logicalId(pipeline.bulk.planFunction.role)).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});
