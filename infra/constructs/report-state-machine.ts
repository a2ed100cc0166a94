// The Amazon States Language of one report's run (JSONata): prepare (a Lambda fixes the as-of date
// and returns the Athena statements, SQL bundled as text, parameters as ExecutionParameters), run every
// SQL table in Athena with the `.sync` integration (Step Functions waits, not a Lambda: a query may
// take longer than any Lambda may live), then finish (a Lambda reads those results through the report
// framework, writes the files and publishes the events).

/** Errors of a Lambda invocation worth retrying (the service's, not the function's). */
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** Athena refuses work beyond its concurrency quota with these; the query itself never ran. */
const ATHENA_TRANSIENT = ['Athena.TooManyRequestsException', 'Athena.InternalServerException'];

export interface ReportDefinitionBodyProps {
  report: string;
  prepareFunctionArn: string;
  finishFunctionArn: string;
  workGroup: string;
  database: string;
  /** SQL tables run at once. @default 4 */
  maxConcurrentQueries?: number;
}

/** The definition as an object; `${PrepareFunctionArn}` and `${FinishFunctionArn}` are definition substitutions. */
export function reportDefinitionBody(props: Omit<ReportDefinitionBodyProps, 'prepareFunctionArn' | 'finishFunctionArn'>): Record<string, unknown> {
  const jsonataString = (s: string) => `'${s.replace(/'/g, "\\'")}'`;
  return {
    Comment: `Report ${props.report}: SQL tables in Athena, then models, files and events`,
    QueryLanguage: 'JSONata',
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: '${PrepareFunctionArn}', Payload: `{% $merge([$states.input, {'report': ${jsonataString(props.report)}}]) %}` },
        Output: '{% $states.result.Payload %}',
        Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
        Next: 'RunQueries',
      },
      RunQueries: {
        Type: 'Map',
        Items: '{% $states.input.queries %}',
        MaxConcurrency: props.maxConcurrentQueries ?? 4,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Query',
          States: {
            Query: {
              Type: 'Task',
              Resource: 'arn:aws:states:::athena:startQueryExecution.sync',
              Arguments:
                `{% $merge([{'QueryString': $states.input.queryString, 'WorkGroup': ${jsonataString(props.workGroup)}, ` +
                `'QueryExecutionContext': {'Database': ${jsonataString(props.database)}}}, ` +
                `$count($states.input.executionParameters) > 0 ? {'ExecutionParameters': $states.input.executionParameters} : {}]) %}`,
              Output: "{% {'table': $states.input.table, 'queryExecutionId': $states.result.QueryExecution.QueryExecutionId} %}",
              Retry: [{ ErrorEquals: ATHENA_TRANSIENT, IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }],
              End: true,
            },
          },
        },
        Output: "{% {'report': $states.input.report, 'asOf': $states.input.asOf, 'queries': $states.result} %}",
        Next: 'Finish',
      },
      Finish: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: '${FinishFunctionArn}', Payload: '{% $states.input %}' },
        Output: '{% $states.result.Payload %}',
        Retry: [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
        End: true,
      },
    },
  };
}
