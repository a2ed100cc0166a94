// The Amazon States Language of the daily lake compaction (JSONata): one Map iteration per lake table, one at a
// time, each a Lambda invocation that compacts that table only, so the work of one run is spread over as many
// 15-minute invocations as there are tables and a large table cannot push the others past a Lambda's lifetime.
// The day is fixed once per execution (the input's `date`, else the day before the execution started), so
// iterations that run past midnight still compact the same day.

/** Errors of a Lambda invocation worth retrying soon (the service's, not the function's). */
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

export interface CompactionDefinitionBodyProps {
  /** The lake tables compacted when the input names none, in this order. */
  tables: readonly string[];
  /** Attempts after the first when a table's compaction fails (a rerun clears the partition first). @default 2 */
  retries?: number;
}

/** The definition as an object; `${CompactionFunctionArn}` is a definition substitution. */
export function compactionDefinitionBody(props: CompactionDefinitionBodyProps): Record<string, unknown> {
  const all = `[${props.tables.map((t) => `'${t}'`).join(', ')}]`;
  return {
    Comment: 'Lake compaction: each table into the snapshot of one day, one Lambda invocation per table',
    QueryLanguage: 'JSONata',
    StartAt: 'CompactTables',
    States: {
      CompactTables: {
        Type: 'Map',
        Items: `{% $exists($states.input.tables) ? $states.input.tables : ${all} %}`,
        // No `date` in the input (the schedule's case): null, and the Lambda takes the day before startedAt.
        ItemSelector: {
          tables: '{% [$states.context.Map.Item.Value] %}',
          date: '{% $exists($states.input.date) ? $states.input.date : null %}',
          startedAt: '{% $states.context.Execution.StartTime %}',
        },
        // One at a time: the function has a reserved concurrency of one, and Athena's DML quota is shared.
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'CompactTable',
          States: {
            CompactTable: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Arguments: { FunctionName: '${CompactionFunctionArn}', Payload: '{% $states.input %}' },
              Output: '{% $states.result.Payload %}',
              Retry: [
                { ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
                // A failed CTAS, an Athena throttle or a timed-out invocation: the handler starts the table over.
                { ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: props.retries ?? 2, BackoffRate: 2, JitterStrategy: 'FULL' },
              ],
              End: true,
            },
          },
        },
        Output: '{% $reduce($states.result, $append, []) %}',
        End: true,
      },
    },
  };
}
