// The SNS topic every alarm of the stack notifies.
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmTopicProps } from './alarm-topic-props.ts';
import { MessagingKey } from './messaging-key.ts';

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  /** Use as `alarm.addAlarmAction(alarmTopic.action)`. */
  readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'CRM pipeline alarms',
      masterKey: props.masterKey ?? new MessagingKey(this, 'Key'),
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);
  }
}
