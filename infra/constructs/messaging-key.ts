// The customer-managed key of the operational plumbing (dead-letter queues, alarm topic). AWS services that write
// into those resources on our behalf need to use the key, which only a key policy can allow.
import { Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { MessagingKeyProps } from './messaging-key-props.ts';

export class MessagingKey extends Key {
  constructor(scope: Construct, id: string, props: MessagingKeyProps = {}) {
    super(scope, id, {
      enableKeyRotation: true,
      description: 'Encrypts CRM dead-letter queues and the alarm topic',
      ...(props.aliasName ? { alias: props.aliasName } : {}),
    });
    const account = Stack.of(this).account;
    // CloudWatch publishes alarms to the encrypted topic; EventBridge sends undeliverable events to encrypted DLQs.
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      this.grant(new ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': account } } }), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
  }
}
