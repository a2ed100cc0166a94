// The two failure alarms several constructs raise: a state machine's ended-badly executions, and a default-bus
// rule that could not deliver to its target. One definition each, so their thresholds cannot drift apart.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, Metric, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Alarms on any execution of `stateMachine` that failed, timed out or was aborted (after its own retries). */
export function stateMachineFailureAlarm(scope: Construct, id: string, stateMachine: StateMachine, alarmDescription: string, alarmAction?: IAlarmAction): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription,
    metric: new MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: { failed: stateMachine.metricFailed(), timedOut: stateMachine.metricTimedOut(), aborted: stateMachine.metricAborted() },
      period: Duration.minutes(5),
    }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  if (alarmAction) alarm.addAlarmAction(alarmAction);
  return alarm;
}

/**
 * Alarms when a rule on the default bus fails to invoke its target after all retries (the event is then in the
 * target's DLQ). The default bus's metrics carry only the RuleName dimension; CrmEventBus has its own for the crm bus.
 */
export function defaultBusRuleFailureAlarm(scope: Construct, id: string, rule: IRule, alarmDescription: string, alarmAction?: IAlarmAction): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription,
    metric: new Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: rule.ruleName }, statistic: 'Sum', period: Duration.minutes(5) }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  if (alarmAction) alarm.addAlarmAction(alarmAction);
  return alarm;
}
