// The DynamoDB single table (key design in lib/table/design.ts): the source of truth, streamed into the lake.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from '#lib/table/design.ts';
import type { CrmTableProps } from './crm-table-props.ts';

export class CrmTable extends Construct {
  readonly table: Table;
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: CrmTableProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey ?? new Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the CRM table and its stream' });
    const { partitionKey, sortKey, customerIndex, dueDateIndex } = TABLE_DESIGN;

    this.table = new Table(this, 'Table', {
      ...(props.tableName ? { tableName: props.tableName } : {}),
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      // Old and new images: the stream handler diffs versions (changedFields) and writes tombstones on remove.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // The customer 360 view: a customer's whole item collection in one Query.
    this.table.addGlobalSecondaryIndex({
      indexName: customerIndex.name,
      partitionKey: { name: customerIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: customerIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse: only last-activity items carry its keys, so "no activity since day D" is one Query (lib/table/design.ts).
    this.table.addGlobalSecondaryIndex({
      indexName: dueDateIndex.name,
      partitionKey: { name: dueDateIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: dueDateIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...dueDateIndex.attributes],
    });
  }
}
