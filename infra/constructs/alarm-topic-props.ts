import type { IKey } from 'aws-cdk-lib/aws-kms';

export interface AlarmTopicProps {
  /**
   * KMS key encrypting the topic; its key policy must let CloudWatch use it.
   * @default - a new MessagingKey
   */
  readonly masterKey?: IKey;
  /**
   * E-mail addresses subscribed to the alarms.
   * @default - no subscriptions (subscribe a pager or chat integration after deploy)
   */
  readonly emails?: readonly string[];
}
