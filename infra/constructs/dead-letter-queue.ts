// An SQS dead-letter queue with the house defaults and an alarm that fires on the first message:
// every failure path ends here or in an alarm, never in silence.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeadLetterQueueProps } from './dead-letter-queue-props.ts';

export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    const purpose = props.purpose ?? 'failed messages';
    const encryptionKey = props.encryptionKey ?? new Key(this, 'Key', { enableKeyRotation: true, description: `Encrypts ${purpose}` });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: encryptionKey,
      // Reuse the data key for 5 minutes instead of calling KMS per message.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of a Lambda function, event source mapping or EventBridge target; a DLQ of a DLQ would only move the problem.',
    });

    this.alarm = new Alarm(this, 'MessagesVisible', {
      alarmDescription: `Dead-letter queue holds ${purpose}: inspect, fix and redrive.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.alarm.addAlarmAction(props.alarmAction);
  }
}
