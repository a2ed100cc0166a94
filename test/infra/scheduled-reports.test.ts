// The scheduled reports in the synthesized stack: every report of the catalog gets a schedule (retries,
// dead-letter queue), a state machine running its SQL in Athena with an alarm, a Glue table and a named
// query per output table; every lake view a named query.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { reports } from '#functions/reports/catalog.ts';
import { reportViewName } from '#functions/reports/report-layout.ts';
import { prepareReportSql, readReportSql } from '#functions/reports/report-sql.ts';
import { tableSource } from '#functions/reports/report-definition.ts';
import { entities } from '#schemas/registry.ts';
import { buildTestApp, logicalId, parentArnParameter, resourceOf, resourcesWithNested } from './crm-app-fixture.ts';

const { stack } = buildTestApp({ stage: 'test', reportSchedules: JSON.stringify({ default: { timezone: 'Europe/Berlin' }, reports: { rfm: { cron: 'cron(0 5 ? * MON *)' } } }) });
const template = Template.fromStack(stack);
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
// Each report lives in its own nested stack, the lake-view queries in another: look in all of them.
const resources = resourcesWithNested<Resource>(stack);
const ofType = (type: string) => resources.filter((r) => r.Type === type);
const ofTypeIn = (t: Template, type: string) => Object.values(t.toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type).length;
const ref = (construct: Parameters<typeof logicalId>[0]) => logicalId(construct);

describe('scheduled reports', () => {
  it('schedules every report of the catalog in its configured zone, with retries and a dead-letter queue, starting its own state machine', () => {
    expect([...stack.reports.byReport.keys()].sort()).toEqual(reports.map((r) => r.name).sort());
    for (const definition of reports) {
      const report = stack.reports.byReport.get(definition.name)!;
      const schedule = resourceOf<Resource>(report.schedule)!.Properties;
      expect(schedule.ScheduleExpression).toBe(definition.name === 'rfm' ? 'cron(0 5 ? * MON *)' : 'cron(0 6 * * ? *)');
      expect(schedule.ScheduleExpressionTimezone).toBe('Europe/Berlin');
      expect(schedule.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(schedule.Target.Arn).toEqual({ Ref: ref(report.stateMachine) });
      expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
      expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [ref(report.deadLetters.queue), 'Arn'] } });
      expect(JSON.parse(schedule.Target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>', timezone: 'Europe/Berlin' });
      expect(schedule.Name).toBe(`crm-test-report-${definition.name}`);
    }
  });

  it('alarms on failed, timed-out and aborted runs of every state machine', () => {
    for (const report of stack.reports.byReport.values()) {
      const alarm = resourceOf<Resource>(report.failedRunsAlarm)!.Properties;
      expect(alarm.AlarmActions).toHaveLength(1);
      const metrics = (alarm.Metrics as { Id: string; MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } } }[]).filter((m) => m.MetricStat);
      expect(metrics.map((m) => m.MetricStat!.Metric.MetricName).sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const m of metrics) expect(m.MetricStat!.Metric.Dimensions[0]!.Value).toEqual({ Ref: ref(report.stateMachine) });
    }
  });

  it('runs each SQL table with Athena startQueryExecution.sync in the workgroup, between the prepare and finish functions', () => {
    for (const definition of reports) {
      const machine = resourceOf<Resource>(stack.reports.byReport.get(definition.name)!.stateMachine)!.Properties;
      expect(machine.StateMachineName).toBe(`crm-test-report-${definition.name}`);
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.LoggingConfiguration.Level).toBe('ALL');
      const asl = JSON.parse(machine.DefinitionString) as { StartAt: string; States: Record<string, any> };
      expect(asl.StartAt).toBe('Prepare');
      expect(asl.States.Prepare.Arguments.Payload).toContain(`'report': '${definition.name}'`);
      expect(asl.States.Prepare.Next).toBe('RunQueries');
      const query = asl.States.RunQueries.ItemProcessor.States.Query;
      expect(query.Resource).toBe('arn:aws:states:::athena:startQueryExecution.sync');
      expect(query.Arguments).toContain("'WorkGroup': 'crm-test'");
      expect(query.Arguments).toContain("'ExecutionParameters': $states.input.executionParameters");
      expect(asl.States.RunQueries.Next).toBe('Finish');
      expect(asl.States.Finish.End).toBe(true);
      expect(machine.DefinitionSubstitutions).toEqual({
        PrepareFunctionArn: parentArnParameter(stack.reports.prepareFunction.function),
        FinishFunctionArn: parentArnParameter(stack.reports.finishFunction.function),
      });
    }
  });

  it('bundles the SQL as text into both functions and gives the finish function 15 minutes', () => {
    const finish = resourceOf<Resource>(stack.reports.finishFunction.function)!.Properties;
    expect(finish.Timeout).toBe(900);
    expect(finish.Environment.Variables).toMatchObject({ REPORTS_PREFIX: 'reports/' });
    // It reads finished executions by id only: no workgroup or database to start a query in.
    expect(Object.keys(finish.Environment.Variables)).not.toContain('WORKGROUP');
  });

  it('declares one Glue table per report output with partition projection on as_of under reports/', () => {
    const tables = new Map(ofType('AWS::Glue::Table').map((r) => [r.Properties.TableInput.Name as string, r.Properties.TableInput]));
    for (const definition of reports) {
      for (const spec of definition.tables) {
        const input = tables.get(reportViewName(definition.name, spec.name));
        expect(input, `${definition.name}.${spec.name}`).toBeDefined();
        expect(input.PartitionKeys).toEqual([{ Name: 'as_of', Type: 'date', Comment: 'as-of date of the report run' }]);
        expect(input.Parameters['projection.as_of.type']).toBe('date');
        expect(JSON.stringify(input.Parameters['storage.location.template'])).toContain(`/reports/${definition.name}/as_of=\${as_of}/${spec.name}/`);
        expect(input.StorageDescriptor.Columns.length).toBeGreaterThan(0);
      }
    }
  });

  it('saves one named query per report table (the report SQL with its parameters) and per lake view', async () => {
    const queries = new Map(ofType('AWS::Athena::NamedQuery').map((r) => [r.Properties.Name as string, r.Properties]));
    for (const definition of reports) {
      for (const spec of definition.tables) {
        const sql = tableSource(spec) === 'sql';
        const query = queries.get(`${reportViewName(definition.name, spec.name)}${sql ? '' : ' (output)'}`);
        expect(query, `${definition.name}.${spec.name}`).toBeDefined();
        expect(query!.WorkGroup).toBe('crm-test');
        expect(query!.Database).toBe('crm_test');
        expect(query!.Description.length).toBeGreaterThan(20);
        if (sql) {
          const text = await readReportSql(definition, spec.name);
          const expected = prepareReportSql(text, '2026-10-31', definition.parameters).sql;
          expect(query!.QueryString).toBe(expected);
          // A table independent of the date (e.g. the product catalogue) takes no parameter at all.
          if (/:as_of\b/.test(text)) expect(query!.Description).toContain("as_of (DATE, e.g. '2026-10-31')");
          else expect(query!.Description).toContain('Parameters: none');
        } else expect(query!.QueryString).toBe(`SELECT * FROM "${reportViewName(definition.name, spec.name)}" WHERE as_of = CAST(? AS DATE)`);
      }
    }
    const viewNames = ofType('AWS::Glue::Table').filter((r) => r.Properties.TableInput.TableType === 'VIRTUAL_VIEW').map((r) => r.Properties.TableInput.Name as string);
    expect(viewNames.length).toBeGreaterThanOrEqual(2 * Object.keys(entities).length);
    for (const view of viewNames) expect(queries.get(view)?.QueryString).toBe(`SELECT * FROM "${view}" LIMIT 100`);
  });

  it('lets the finish function read Athena results and write reports/ only, and publish on the bus', () => {
    const policies = ofType('AWS::IAM::Policy').filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === ref(stack.reports.finishFunction.role)));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const text = JSON.stringify(statements);
    expect(text).toContain('athena:GetQueryResults');
    expect(text).not.toContain('athena:StartQueryExecution');
    expect(text).toContain('/reports/*');
    expect(text).toContain('events:PutEvents');
    expect(text).not.toContain('dynamodb:');
    expect(text).not.toContain('/lake/*');
  });

  it('puts each report in a nested stack of its own, leaving the parent one stack resource per report', () => {
    for (const report of stack.reports.byReport.values()) {
      const own = Template.fromStack(report.stack).toJSON().Resources as Record<string, Resource>;
      for (const construct of [report.schedule, report.stateMachine, report.failedRunsAlarm, report.deadLetters.queue, ...Object.values(report.tables), ...Object.values(report.namedQueries)]) {
        expect(own[ref(construct)], construct.node.path).toBeDefined();
      }
    }
    expect(ofTypeIn(template, 'AWS::CloudFormation::Stack')).toBe(stack.reports.byReport.size + 1);
  });

  it('publishes the state machines by report name as a stack output for `crm report --stage`', () => {
    const output = template.toJSON().Outputs.ReportStateMachines.Value;
    const names = JSON.stringify(output);
    for (const definition of reports) expect(names).toContain(`"${definition.name}`);
  });

  it('refuses a schedule for a report the catalog does not have', () => {
    expect(() => buildTestApp({ stage: 'other', reportSchedules: JSON.stringify({ reports: { nosuch: { cron: 'cron(0 1 * * ? *)' } } }) })).toThrow(/unknown report\(s\): nosuch/);
  });
});
