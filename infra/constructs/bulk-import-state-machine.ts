// The Amazon States Language of a bulk import (JSONPath): Plan (a Lambda cuts the object into line-aligned byte
// ranges and writes the manifest), a Distributed Map that reads the manifest from S3 (ItemReader) and runs one child
// workflow per range with bounded concurrency (each invokes the batch Lambda, retried with backoff, and on its last
// failure records the error beside the run with an S3 PutObject task, so the rest goes on), then Finish (a Lambda
// joins the errors in line order and publishes ImportCompleted). A Map that fails anyway (more children failed than
// tolerated) still goes through Finish, then fails the execution, which the alarm on failed executions reports.

/** Errors of a Lambda invocation worth retrying (the service's, not the function's). */
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

export interface BulkImportDefinitionProps {
  /** Child workflows (batches) running at once. */
  maxConcurrency: number;
  /** Percentage of batches that may fail (even to be recorded) before the Map stops. */
  toleratedFailurePercentage: number;
  /** Attempts of a batch before it is recorded as failed. */
  batchAttempts: number;
  /** Seconds before the whole import times out. */
  timeoutSeconds: number;
}

/** The definition as an object; `${PlanFunctionArn}`, `${BatchFunctionArn}` and `${FinishFunctionArn}` are definition substitutions. */
export function bulkImportDefinitionBody(props: BulkImportDefinitionProps): Record<string, unknown> {
  const invoke = (arn: string, payload: Record<string, unknown>) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: arn, ...payload } });
  const transient = { ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' };
  return {
    Comment: 'Bulk import of one S3 object: plan byte ranges, import them in parallel, join the errors, publish ImportCompleted',
    TimeoutSeconds: props.timeoutSeconds,
    StartAt: 'Plan',
    States: {
      Plan: {
        ...invoke('${PlanFunctionArn}', { Payload: { 'input.$': '$', 'executionName.$': '$$.Execution.Name' } }),
        OutputPath: '$.Payload',
        Retry: [transient, { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 2 }],
        Next: 'Planned?',
      },
      'Planned?': { Type: 'Choice', Choices: [{ Variable: '$.status', StringEquals: 'planned', Next: 'ImportBatches' }], Default: 'Refused' },
      Refused: { Type: 'Succeed', Comment: 'The file cannot be imported (unknown entity, unsupported type, bad header, a JSON array or compressed file too large to split): its errors file says why.' },
      ImportBatches: {
        Type: 'Map',
        Label: 'ImportBatches',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { 'Bucket.$': '$.import.bucket', 'Key.$': '$.manifestKey' },
        },
        ItemSelector: { 'range.$': '$$.Map.Item.Value', 'import.$': '$.import' },
        MaxConcurrency: props.maxConcurrency,
        ToleratedFailurePercentage: props.toleratedFailurePercentage,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'ImportBatch',
          States: {
            ImportBatch: {
              ...invoke('${BatchFunctionArn}', { 'Payload.$': '$' }),
              // Counts only: thousands of children stay far below the Map's 256 KiB result limit.
              ResultSelector: { 'accepted.$': '$.Payload.accepted', 'rejected.$': '$.Payload.rejected' },
              // Any failure (a crash, a timeout, rows that could not be stored) is retried: the versioned writes make a
              // re-run of a range store nothing twice.
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: props.batchAttempts - 1, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL' }],
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailedBatch' }],
              End: true,
            },
            RecordFailedBatch: {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:s3:putObject',
              Parameters: {
                'Bucket.$': '$.import.bucket',
                'Key.$': "States.Format('{}batches/{}.failed.json', $.import.runPrefix, $.range.name)",
                'Body.$': 'States.JsonToString($.failure)',
                ContentType: 'application/json',
              },
              ResultPath: null,
              OutputPath: '$.range.batch',
              Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }],
              End: true,
            },
          },
        },
        ResultPath: null,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapFailure', Next: 'Finish' }],
        Next: 'Finish',
      },
      Finish: {
        ...invoke('${FinishFunctionArn}', { 'Payload.$': '$' }),
        ResultSelector: { 'summary.$': '$.Payload' },
        ResultPath: '$.finish',
        // A retried finish publishes nothing twice: it leaves a marker after publishing.
        Retry: [transient, { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
        Next: 'MapFailed?',
      },
      'MapFailed?': { Type: 'Choice', Choices: [{ Variable: '$.mapFailure', IsPresent: true, Next: 'TooManyBatchesFailed' }], Default: 'Imported' },
      TooManyBatchesFailed: {
        Type: 'Fail',
        Error: 'BulkImport.TooManyBatchesFailed',
        Cause: 'More batches failed than the import tolerates; the errors file beside the import names the lines that were not imported.',
      },
      Imported: { Type: 'Succeed' },
    },
  };
}
