// The `crm` bus carrying domain events (pseudonymous details only), archived so automations can be replayed.
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Archive, EventBus, type IRule } from 'aws-cdk-lib/aws-events';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BUS_NAME } from '#schemas/events.ts';
import type { CrmEventBusProps } from './crm-event-bus-props.ts';

export class CrmEventBus extends Construct {
  readonly eventBus: EventBus;
  readonly archive: Archive;
  /** Encrypts the archived events (CDK's Archive grants EventBridge its use, limited to this bus's encryption context). */
  readonly archiveKey: IKey;
  /** Entries rejected by PutEvents (an account-level metric: the CRM functions are its publishers). */
  readonly putEventsFailedAlarm: Alarm;
  private readonly alarmAction: CrmEventBusProps['alarmAction'];

  constructor(scope: Construct, id: string, props: CrmEventBusProps = {}) {
    super(scope, id);
    this.alarmAction = props.alarmAction;
    this.eventBus = new EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? BUS_NAME, description: 'CRM domain events' });
    // Same-account publishers and rules need no resource policy; cross-account producers would add one here.

    this.archiveKey = props.archiveKey ?? new Key(this, 'ArchiveKey', { enableKeyRotation: true, description: 'Encrypts the CRM event archive' });
    // Built directly: EventBus.archive() drops the kmsKey prop. Scoped under the bus as archive() does.
    this.archive = new Archive(this.eventBus, 'Archive', {
      sourceEventBus: this.eventBus,
      kmsKey: this.archiveKey,
      description: 'Every CRM domain event, for replay into rules',
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetention ?? Duration.days(365),
    });

    this.putEventsFailedAlarm = this.alarm(
      'PutEventsFailedAlarm',
      new Metric({ namespace: 'AWS/Events', metricName: 'PutEventsFailedEntriesCount', statistic: 'Sum', period: Duration.minutes(5) }),
      'PutEvents rejected entries: domain events were lost unless the publisher retried.',
    );
  }

  /** Alarms when a rule on this bus fails to deliver to its target after all retries. */
  alarmOnFailedInvocations(rule: IRule, id: string): Alarm {
    return this.alarm(
      id,
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { EventBusName: this.eventBus.eventBusName, RuleName: rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      `Rule ${rule.node.path} failed to invoke its target after all retries.`,
    );
  }

  private alarm(id: string, metric: Metric, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmAction) alarm.addAlarmAction(this.alarmAction);
    return alarm;
  }
}
