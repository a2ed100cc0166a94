// Grants of exactly the calls a handler sends, instead of CDK's `grantReadWriteData` / `grantRead` / `grantPut`,
// which add actions no handler sends (Scan, DeleteItem, stream reads, s3:GetObject*, s3:List*, s3:Abort*,
// kms:GenerateDataKey*, kms:ReEncrypt*). test/infra/least-privilege.test.ts compares every Lambda role with the
// SDK commands in its deployed bundle, so a grant here that no code uses fails the tests, and so does a call
// without a grant.
import { Effect, type IGrantable, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { DlqDestinationConfig, IEventSourceDlq } from 'aws-cdk-lib/aws-lambda';

/** DynamoDB item actions a handler may be granted (TransactWriteItems is authorised per item as Put/Update/Delete). */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:BatchGetItem' | 'dynamodb:Query' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem';

export interface TableGrantOptions {
  /** Indexes the handler queries, granted by name (`<table>/index/<name>`), never `index/*`. @default - none */
  readonly indexes?: readonly string[];
  /** Restricts the actions to items whose partition key starts with one of these prefixes. @default - any item */
  readonly leadingKeyPrefixes?: readonly string[];
}

/**
 * `actions` on the table (and `dynamodb:Query` on the named indexes), and kms:Decrypt on the table's key:
 * DynamoDB decrypts the table key on the caller's behalf for reads and writes alike.
 */
export function grantTableCalls(grantee: { role: IRole }, table: ITable, actions: readonly TableAction[], options: TableGrantOptions = {}): void {
  const conditions = options.leadingKeyPrefixes ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': options.leadingKeyPrefixes.map((p) => `${p}*`) } } : undefined;
  grantee.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [table.tableArn], ...(conditions ? { conditions } : {}) }));
  const indexes = options.indexes ?? [];
  if (indexes.length > 0) {
    if (!actions.includes('dynamodb:Query')) throw new Error('indexes are granted for dynamodb:Query only: include it in the actions');
    grantee.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: indexes.map((name) => `${table.tableArn}/index/${name}`) }),
    );
  }
  table.encryptionKey?.grant(grantee.role, 'kms:Decrypt');
}

export interface ObjectGrantOptions {
  /** s3:GetObject under the prefix, with kms:Decrypt on the bucket key. @default false */
  readonly get?: boolean;
  /** s3:PutObject under the prefix, with kms:GenerateDataKey on the bucket key (single-part puts only). @default false */
  readonly put?: boolean;
  /** s3:ListBucket on the bucket, limited to keys under the prefix. @default false */
  readonly list?: boolean;
}

/** Object calls under one key prefix of an SSE-KMS bucket, and the one KMS action each needs. */
export function grantObjectCalls(grantee: { role: IRole }, bucket: IBucket, prefix: string, options: ObjectGrantOptions): void {
  const objects = bucket.arnForObjects(`${prefix}*`);
  const objectActions = [...(options.get ? ['s3:GetObject'] : []), ...(options.put ? ['s3:PutObject'] : [])];
  if (objectActions.length) grantee.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: objectActions, resources: [objects] }));
  if (options.list) {
    grantee.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
    );
  }
  const keyActions = [...(options.get ? ['kms:Decrypt'] : []), ...(options.put ? ['kms:GenerateDataKey'] : [])];
  if (keyActions.length) bucket.encryptionKey?.grant(grantee.role, ...keyActions);
}

/** sqs:SendMessage to one queue and the KMS actions an SSE-KMS producer needs (GenerateDataKey, Decrypt). */
export function grantSendToQueue(grantee: IGrantable, queue: IQueue): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  grantKeyUse(grantee, queue.encryptionMasterKey, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** Exact KMS actions on one key (CDK's key grants add GenerateDataKey* and ReEncrypt*). */
export function grantKeyUse(grantee: IGrantable, key: IKey | undefined, ...actions: ('kms:Decrypt' | 'kms:GenerateDataKey')[]): void {
  key?.grant(grantee, ...actions);
}

/**
 * The on-failure destination of an event source mapping, granted sqs:SendMessage and the queue key's
 * GenerateDataKey/Decrypt only (CDK's SqsDlq grants GetQueueAttributes, GetQueueUrl and every key action).
 */
export class ExactSqsDlq implements IEventSourceDlq {
  constructor(private readonly queue: IQueue) {}

  bind(_target: unknown, targetHandler: IGrantable): DlqDestinationConfig {
    grantSendToQueue(targetHandler, this.queue);
    return { destination: this.queue.queueArn };
  }
}

