// Acknowledgements of the IAM5 wildcard findings that CDK's own `grantX` methods produce. Each finding is
// acknowledged by its exact id (`AwsSolutions-IAM5[<finding>]`) on the one role that holds it, with the reason
// the wildcard stays narrow; any wildcard not listed here still fails synthesis.
import { CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const grantActionWildcards = {
  'Action::kms:GenerateDataKey*': "Emitted by CDK's grant on one named customer-managed key: spans only the GenerateDataKey variants on that key.",
  'Action::kms:ReEncrypt*': "Emitted by CDK's grant on one named customer-managed key: spans only ReEncryptFrom/ReEncryptTo on that key.",
  'Action::s3:Abort*': "Emitted by CDK's grantPut on one bucket prefix: lets the writer abort its own multipart uploads there, nothing else.",
  'Action::s3:GetObject*': "Emitted by CDK's grantRead on one bucket prefix: reads of objects, versions and their tags under that prefix only.",
  'Action::s3:GetBucket*': "Emitted by CDK's grantRead: metadata reads (location, versioning, encryption) of the one bucket, used by the SDK.",
  'Action::s3:List*': "Emitted by CDK's grantRead: listing of the one bucket ARN, which tells a missing key from a denied one.",
} as const;

export type GrantActionWildcard = keyof typeof grantActionWildcards;

/** Acknowledges action wildcards that CDK grant methods put on `role`'s default policy. */
export function acknowledgeGrantActions(role: IConstruct, findings: readonly GrantActionWildcard[]): void {
  for (const finding of findings) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: grantActionWildcards[finding] });
}

/** Acknowledges one resource wildcard finding (`Resource::...`) on `role` with a specific reason. */
export function acknowledgeResourceWildcard(role: IConstruct, resource: string, reason: string): void {
  Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}

/**
 * How cdk-nag spells a resource's ARN reference in finding ids: `<LogicalId.Arn>` in the resource's own stack; in a
 * nested stack `consumer` belongs to, the parameter CDK passes the ARN in, `<referenceto<UniqueId>Arn>`.
 */
export function nagArn(resource: IConstruct, consumer?: IConstruct): string {
  const element = CfnElement.isCfnElement(resource) ? resource : resource.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element)) throw new Error(`${resource.node.path} has no CloudFormation resource to reference`);
  if (consumer && Stack.of(consumer) !== Stack.of(element)) {
    if (Stack.of(consumer).nestedStackParent !== Stack.of(element)) throw new Error(`${consumer.node.path}: only a nested stack's references to its parent are spelled here`);
    return `<referenceto${Names.nodeUniqueId(element.node)}Arn>`;
  }
  return `<${Stack.of(element).resolve(element.logicalId)}.Arn>`;
}
