// The reports in AWS, derived from the report catalog (functions/reports/catalog.ts; nothing here names a
// report): per report a Step Functions state machine (report-state-machine.ts) with an alarm on failed runs,
// an EventBridge Scheduler schedule (cron and time zone from configuration, bounded retries, an alarmed
// dead-letter queue), one Glue table per output `<report>_<table>` and one Athena named query per table.
// Two functions serve every report: prepare (no AWS access at all) and finish (Athena results, report files,
// bus). Step Functions rather than one Lambda driving Athena: the state machine waits for the queries, so a
// long query never runs into a Lambda's 15 minutes, and each step retries and shows up on its own.
import { readFileSync } from 'node:fs';
import { Duration, NestedStack, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnNamedQuery } from 'aws-cdk-lib/aws-athena';
import { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { reports as catalog } from '#functions/reports/catalog.ts';
import { REPORT_COLUMNS_FILE, type ReportColumnsCatalogue } from '#functions/reports/report-columns-catalogue.ts';
import { tableSource, type ReportDefinition } from '#functions/reports/report-definition.ts';
import { reportViewName } from '#functions/reports/report-layout.ts';
import { prepareReportSql, readReportSqlSync } from '#functions/reports/report-sql.ts';
import { splitSql } from '#functions/reports/sql-text.ts';
import { acknowledgeGrantActions, acknowledgeResourceWildcard, nagArn } from '../nag/grant-wildcards.ts';
import { grantObjectCalls } from '../iam/exact-grants.ts';
import { CrmFunction } from './crm-function.ts';
import { ATHENA_RESULTS_PREFIX, LAKE_PREFIX } from './data-lake-bucket.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { reportDefinitionBody } from './report-state-machine.ts';
import { reportTableInput } from './report-table-input.ts';
import type { ReportScheduleSettings, ReportSchedulesConfig, ScheduledReportsProps } from './scheduled-reports-props.ts';
import { stateMachineFailureAlarm } from './failure-alarms.ts';

/** Key prefix of the report outputs in the lake bucket: `reports/<report>/as_of=<date>/...`. */
export const REPORTS_PREFIX = 'reports/';
export const DEFAULT_REPORT_CRON = 'cron(0 6 * * ? *)';
export const DEFAULT_REPORT_TIMEZONE = 'UTC';
/** The SQL files travel in the bundles as text (functions/reports/bundled-report-sql.ts). */
const TEXT_LOADERS = { '.sql': 'text' };

/** Fails on a schedule for a report the catalog does not have (a typo would otherwise leave the report on the default). */
export function validateReportSchedules(config: ReportSchedulesConfig, definitions: readonly ReportDefinition[] = catalog): void {
  const unknown = Object.keys(config.reports ?? {}).filter((name) => !definitions.some((d) => d.name === name));
  if (unknown.length) throw new Error(`report schedules name unknown report(s): ${unknown.join(', ')} (reports: ${definitions.map((d) => d.name).join(', ')})`);
}

export interface ScheduledReport {
  /** The report's nested stack, holding everything below. */
  readonly stack: NestedStack;
  readonly stateMachine: StateMachine;
  readonly schedule: Schedule;
  readonly deadLetters: DeadLetterQueue;
  readonly failedRunsAlarm: Alarm;
  /** Glue table of each output, by table name. */
  readonly tables: Record<string, CfnTable>;
  /** Athena named query of each output, by table name. */
  readonly namedQueries: Record<string, CfnNamedQuery>;
}

export class ScheduledReports extends Construct {
  readonly prepareFunction: CrmFunction;
  readonly finishFunction: CrmFunction;
  readonly byReport = new Map<string, ScheduledReport>();

  constructor(scope: Construct, id: string, props: ScheduledReportsProps) {
    super(scope, id);
    const definitions = props.reports ?? catalog;
    const columns = props.columns ?? (JSON.parse(readFileSync(REPORT_COLUMNS_FILE, 'utf8')) as ReportColumnsCatalogue);
    if (props.schedules) validateReportSchedules(props.schedules, definitions);

    const stack = Stack.of(this);
    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName });
    const alarmAction = props.alarmAction ? { alarmAction: props.alarmAction } : {};

    this.prepareFunction = new CrmFunction(this, 'Prepare', {
      entry: 'functions/reports/scheduled/prepare-handler.ts',
      description: 'Report runs: fixes the as-of date and returns the Athena statements of the report SQL',
      serviceName: 'crm-reports',
      loader: TEXT_LOADERS,
      timeout: Duration.seconds(30),
      ...alarmAction,
    });
    this.finishFunction = new CrmFunction(this, 'Finish', {
      entry: 'functions/reports/scheduled/finish-handler.ts',
      description: 'Report runs: model fits, Parquet tables, dashboard and summary from the finished Athena queries; events to the bus',
      serviceName: 'crm-reports',
      loader: TEXT_LOADERS,
      memorySize: 2048,
      timeout: Duration.minutes(15),
      environment: {
        LAKE_BUCKET: props.lakeBucket.bucketName,
        REPORTS_PREFIX,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
      },
      ...alarmAction,
    });
    const finish = this.finishFunction;
    // Results only (lib/query/athena-results.ts): the state machine starts and stops the queries, never this role.
    finish.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['athena:GetQueryExecution', 'athena:GetQueryResults'], resources: [workGroupArn] }));
    // Exact calls (infra/iam/exact-grants.ts), not CDK's grantRead/grantReadWrite and their wildcards: Athena reads the
    // result files with the caller's credentials; the run folder is listed, read, written and its stale files deleted
    // (run-report.ts removes the files of tables a rerun no longer has).
    grantObjectCalls(finish, props.lakeBucket, ATHENA_RESULTS_PREFIX, { get: true });
    grantObjectCalls(finish, props.lakeBucket, REPORTS_PREFIX, { get: true, put: true, list: true });
    finish.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:DeleteObject'], resources: [props.lakeBucket.arnForObjects(`${REPORTS_PREFIX}*`)] }));
    props.eventBus.grantPutEventsTo(finish.role);
    acknowledgeResourceWildcard(finish.role, `${nagArn(props.lakeBucket)}/${ATHENA_RESULTS_PREFIX}*`, 'Reads the results of the Athena queries the report state machines ran (one prefix of the lake bucket).');
    acknowledgeResourceWildcard(finish.role, `${nagArn(props.lakeBucket)}/${REPORTS_PREFIX}*`, 'Writes the report run folders (tables, summary.json, dashboard.html) and reads earlier runs, under the reports prefix only.');

    for (const definition of definitions) {
      const settings: ReportScheduleSettings = { ...props.schedules?.default, ...props.schedules?.reports?.[definition.name] };
      this.byReport.set(definition.name, this.addReport(definition, settings, columns, props, workGroupArn));
    }
  }

  private addReport(
    definition: ReportDefinition,
    settings: ReportScheduleSettings,
    catalogue: ReportColumnsCatalogue,
    props: ScheduledReportsProps,
    workGroupArn: string,
  ): ScheduledReport {
    const name = definition.name;
    // One nested stack per report: a report adds ~2 resources per output table plus 13, and the catalog keeps growing,
    // while the parent stack gains one resource per report (its AWS::CloudFormation::Stack).
    const scope = new NestedStack(this, `Report-${name}`, { description: `${definition.title}: scheduled report (tables, queries, state machine, schedule)`.slice(0, 1024) });
    const cron = settings.cron ?? DEFAULT_REPORT_CRON;
    const timezone = settings.timezone ?? DEFAULT_REPORT_TIMEZONE;
    if (!/^cron\(.+\)$/.test(cron)) throw new Error(`report ${name}: schedule "${cron}" must be a Scheduler cron(...) expression`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new Error(`report ${name}: time zone "${timezone}" is not an IANA time zone`);
    }

    // Outputs: one Glue table and one named query per table.
    const tables: Record<string, CfnTable> = {};
    const namedQueries: Record<string, CfnNamedQuery> = {};
    for (const spec of definition.tables) {
      const columns = catalogue[name]?.[spec.name];
      if (!columns?.length) throw new Error(`report ${name}, table ${spec.name}: its columns are not in functions/reports/generated/report-columns.json; run npm run generate:reports`);
      const table = new CfnTable(scope, `Table-${spec.name}`, {
        catalogId: Stack.of(this).account,
        databaseName: props.databaseName,
        tableInput: reportTableInput(definition, spec, columns, props.lakeBucket.bucketName, REPORTS_PREFIX),
      });
      for (const dependency of props.lakeTables ?? []) table.node.addDependency(dependency);
      tables[spec.name] = table;
      const view = reportViewName(name, spec.name);
      const sqlTable = tableSource(spec) === 'sql';
      const queryString = sqlTable
        ? prepareReportSql(readReportSqlSync(definition, spec.name), '1970-01-01', definition.parameters).sql
        : `SELECT * FROM "${view}" WHERE as_of = CAST(? AS DATE)`;
      const query = new CfnNamedQuery(scope, `Query-${spec.name}`, {
        name: `${view}${sqlTable ? '' : ' (output)'}`.slice(0, 128),
        description: (sqlTable
          ? `${definition.title}: ${spec.title}: the SQL of the scheduled report. Parameters: ${parameterNote(definition, spec.name)}. ${spec.description}`
          : `${definition.title}: ${spec.title} as computed by the report's models; parameter 1: the as-of date (e.g. '2026-10-31'). ${spec.description}`
        ).slice(0, 1024),
        database: props.databaseName,
        workGroup: props.workGroupName,
        queryString,
      });
      namedQueries[spec.name] = query;
    }

    // The run.
    const logGroup = new LogGroup(scope, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    const stateMachine = new StateMachine(scope, 'StateMachine', {
      stateMachineName: `${props.namePrefix}-report-${name}`.slice(0, 80),
      comment: `${definition.title}: scheduled report run`,
      definitionBody: DefinitionBody.fromString(JSON.stringify(reportDefinitionBody({ report: name, workGroup: props.workGroupName, database: props.databaseName }))),
      definitionSubstitutions: { PrepareFunctionArn: this.prepareFunction.function.functionArn, FinishFunctionArn: this.finishFunction.function.functionArn },
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.grantQueries(stateMachine, props, workGroupArn);
    this.prepareFunction.function.grantInvoke(stateMachine);
    this.finishFunction.function.grantInvoke(stateMachine);
    this.acknowledgeStateMachine(stateMachine, props);

    const failedRunsAlarm = stateMachineFailureAlarm(scope, 'FailedRunsAlarm', stateMachine, `Report ${name}: a run failed, timed out or was aborted; see the execution in Step Functions and ${logGroup.node.path}.`, props.alarmAction);

    const deadLetters = new DeadLetterQueue(scope, 'DeadLetters', {
      purpose: `scheduled runs of report ${name} that Scheduler could not start`,
      encryptionKey: props.messagingKey,
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
    });
    // Scheduler assumes the report's own role (in the report's stack, so the grants below stay inside it).
    const schedulerRole = new Role(scope, 'SchedulerRole', {
      description: `Assumed by EventBridge Scheduler to start scheduled runs of report ${name}`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    acknowledgeGrantActions(schedulerRole, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']);
    deadLetters.queue.grantSendMessages(schedulerRole);
    const schedule = new Schedule(scope, 'Schedule', {
      scheduleName: `${props.namePrefix}-report-${name}`.slice(0, 64),
      description: `${definition.title}: ${cron} in ${timezone}`.slice(0, 512),
      schedule: ScheduleExpression.expression(cron, TimeZone.of(timezone)),
      enabled: settings.enabled ?? true,
      // The run's as-of date derives from the scheduled time: start on time, not anywhere in a window.
      timeWindow: TimeWindow.off(),
      target: new StepFunctionsStartExecution(stateMachine, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime, timezone }),
        deadLetterQueue: deadLetters.queue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    });
    return { stack: scope, stateMachine, schedule, deadLetters, failedRunsAlarm, tables, namedQueries };
  }

  /** What Athena needs from the caller of StartQueryExecution: the workgroup, the catalog, the lake's files and the results prefix. */
  private grantQueries(stateMachine: StateMachine, props: ScheduledReportsProps, workGroupArn: string): void {
    const stack = Stack.of(this);
    stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution'], resources: [workGroupArn] }));
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.databaseName}/*` }),
        ],
      }),
    );
    props.lakeBucket.grantRead(stateMachine, `${LAKE_PREFIX}*`);
    props.lakeBucket.grantRead(stateMachine, `${ATHENA_RESULTS_PREFIX}*`);
    props.lakeBucket.grantPut(stateMachine, `${ATHENA_RESULTS_PREFIX}*`);
  }

  private acknowledgeStateMachine(stateMachine: StateMachine, props: ScheduledReportsProps): void {
    const role = stateMachine.role;
    const stack = Stack.of(this);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Added by CDK for the state machine\'s execution logs (logs:CreateLogDelivery and the other log-delivery actions) and X-Ray tracing, which do not support resource-level permissions.',
    });
    acknowledgeGrantActions(role, ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', 'Action::s3:Abort*', 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*']);
    acknowledgeResourceWildcard(role, `${nagArn(props.lakeBucket, role)}/${LAKE_PREFIX}*`, 'Athena reads the lake files the report SQL queries, under the lake prefix only.');
    acknowledgeResourceWildcard(role, `${nagArn(props.lakeBucket, role)}/${ATHENA_RESULTS_PREFIX}*`, 'Athena writes the query results under the results prefix only.');
    acknowledgeResourceWildcard(
      role,
      `arn:${nagToken(stack.partition, 'AWS::Partition')}:glue:${nagToken(stack.region, 'AWS::Region')}:${nagToken(stack.account, 'AWS::AccountId')}:table/${props.databaseName}/*`,
      'Athena resolves the lake tables and views of this one Glue database; the report SQL may read any of them.',
    );
    acknowledgeResourceWildcard(role, `${nagArn(this.prepareFunction.function, role)}:*`, "CDK's grantInvoke covers the function's versions and aliases (`<arn>:*`); one function only.");
    acknowledgeResourceWildcard(role, `${nagArn(this.finishFunction.function, role)}:*`, "CDK's grantInvoke covers the function's versions and aliases (`<arn>:*`); one function only.");
  }
}

/** How cdk-nag prints a pseudo parameter in a finding: its value when known at synthesis, else `<AWS::...>`. */
const nagToken = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);

/** The ExecutionParameters of a report table's SQL, in order, for the named query's description. */
function parameterNote(definition: ReportDefinition, table: string): string {
  const names: string[] = [];
  for (const segment of splitSql(readReportSqlSync(definition, table)).filter((s) => s.kind === 'code')) {
    for (const m of segment.text.matchAll(/(?<!:):([A-Za-z_][A-Za-z0-9_]*)/g)) names.push(m[1]!);
  }
  const known = { ...definition.parameters, as_of: { type: 'DATE', value: 'the as-of date' } } as Record<string, { type: string; value: unknown }>;
  return names.map((n, i) => `${i + 1}: ${n} (${known[n]?.type ?? '?'}${n === 'as_of' ? ", e.g. '2026-10-31'" : `, default ${JSON.stringify(known[n]?.value)}`})`).join('; ') || 'none';
}
