// The house Lambda construct: every function in the stack is built here so runtime, architecture,
// bundling, logging, tracing, permissions and alarms stay uniform (the HouseFunctionGuard aspect enforces it).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, type IGrantable, type IPrincipal, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, type CfnFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import type { CrmFunctionProps, CrmLogLevel } from './crm-function-props.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { grantKeyUse } from '../iam/exact-grants.ts';

/** Root of the project: entries are resolved against it and its package-lock.json pins the bundle. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CRM_FUNCTION = Symbol.for('crm.CrmFunction');

/**
 * Packages left out of the bundles because the Node.js Lambda runtime provides them: the AWS SDK v3 service clients.
 * Everything else (util-dynamodb, Powertools, middy, zod, hyparquet, ...) is bundled from package-lock.json;
 * test/infra/least-privilege.test.ts checks that a bundle imports nothing but these and Node built-ins.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/client-*'] as const;

// ESM bundles lose `require`; CommonJS dependencies bundled into them still call it.
const ESM_REQUIRE_BANNER = "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);";

const applicationLogLevel: Record<CrmLogLevel, ApplicationLogLevel> = {
  DEBUG: ApplicationLogLevel.DEBUG,
  INFO: ApplicationLogLevel.INFO,
  WARN: ApplicationLogLevel.WARN,
  ERROR: ApplicationLogLevel.ERROR,
};

export class CrmFunction extends Construct implements IGrantable {
  /** True for constructs built by this class (works across module copies, unlike `instanceof`). */
  static isCrmFunction(x: unknown): x is CrmFunction {
    return typeof x === 'object' && x !== null && CRM_FUNCTION in x;
  }

  /** True when `node` is, or sits inside, a house function. */
  static isInsideCrmFunction(node: IConstruct): boolean {
    return node.node.scopes.some((s) => CrmFunction.isCrmFunction(s));
  }

  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: CrmFunctionProps) {
    super(scope, id);
    Object.defineProperty(this, CRM_FUNCTION, { value: true });
    const logLevel = props.logLevel ?? 'INFO';

    this.logGroup = new LogGroup(this, 'LogGroup', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });

    // An explicit role with write access to this log group only, instead of AWSLambdaBasicExecutionRole (logs:* on every group).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    if (props.deadLetterQueue ?? false) {
      this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
        purpose: `asynchronous invocations of ${id} that failed every retry`,
        ...(props.messagingKey ? { encryptionKey: props.messagingKey } : {}),
        ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
      });
    }

    this.function = new NodejsFunction(this, 'Handler', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      ...(props.description ? { description: props.description } : {}),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: applicationLogLevel[logLevel],
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(this.deadLetterQueue ? { deadLetterQueue: this.deadLetterQueue.queue, retryAttempts: props.asyncRetryAttempts ?? 2 } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'crm',
        POWERTOOLS_METRICS_NAMESPACE: 'Crm',
        LOG_LEVEL: logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        // Local esbuild from node_modules: synth works offline and without Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // DuckDB is local-only and its native bindings must never reach Lambda: a handler that imports it fails to bundle
        // its native addon, and the bundle test rejects any import outside the runtime's modules.
        externalModules: [...RUNTIME_PROVIDED_MODULES, '@duckdb/*'],
        ...(props.define ? { define: props.define } : {}),
        ...(props.loader ? { loader: props.loader } : {}),
      },
    });

    // Lambda sends dead letters with the execution role (NodejsFunction grants sqs:SendMessage), which must also use
    // the queue's KMS key: GenerateDataKey and Decrypt, as for any SSE-KMS producer.
    if (this.deadLetterQueue) grantKeyUse(this.role, this.deadLetterQueue.queue.encryptionMasterKey, 'kms:GenerateDataKey', 'kms:Decrypt');

    // Tracing is switched on at the L1 so the X-Ray statement (which cannot be scoped below `*`) lives in its own
    // policy: the IAM5 acknowledgement below then cannot hide a wildcard that a grant adds to the default policy.
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    const tracing = new Policy(this, 'TracingPolicy', {
      roles: [this.role],
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
    });
    this.function.node.addDependency(tracing);
    Validations.of(tracing).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; this policy holds nothing else.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "Node.js 22 is the project's chosen Lambda runtime (esbuild targets node22); moving to Node.js 24 changes runtime and bundle target together and needs its own test pass.",
    });

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${id} threw errors: check its log group ${this.node.path}/LogGroup.`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: props.errorsAlarmThreshold ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.errorsAlarm.addAlarmAction(props.alarmAction);
  }
}
