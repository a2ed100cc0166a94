// Decodes DynamoDB stream records of record items into typed changes.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { findEntity, type AnyEntity } from '#schemas/registry.ts';
import { TABLE_DESIGN } from '#lib/table/design.ts';
import type { CrmRecord } from '#functions/ingest/validate.ts';

export interface Change {
  entity: AnyEntity;
  op: 'insert' | 'modify' | 'remove';
  /** Stream sequence number, zero-padded to 40 digits so it sorts as text. */
  seq: string;
  /** Raw sequence number as the stream gave it (what batchItemFailures must name). */
  sequenceNumber: string;
  changedAt: Date;
  version: string;
  current?: CrmRecord;
  previous?: CrmRecord;
  /** Automation runs that caused this version (set by the rules' writes), oldest first. */
  causation?: string[];
}

const OPS = { INSERT: 'insert', MODIFY: 'modify', REMOVE: 'remove' } as const;

type Image = { [key: string]: AttributeValue };

/** Returns undefined for items that are not records (identities, aliases) and for bookkeeping-only modifications. */
export function toChange(record: DynamoDBRecord): Change | undefined {
  const ddb = record.dynamodb;
  if (!ddb?.SequenceNumber || !record.eventName) return undefined;
  const newImage = ddb.NewImage ? unmarshall(ddb.NewImage as Image) : undefined;
  const oldImage = ddb.OldImage ? unmarshall(ddb.OldImage as Image) : undefined;
  const image = newImage ?? oldImage;
  if (!image || image.sk !== TABLE_DESIGN.recordSortKey) return undefined;
  // A person's merge bookkeeping (merged ids, identities, rev) changed but not the record: no change to publish.
  if (record.eventName === 'MODIFY' && newImage && oldImage && newImage[TABLE_DESIGN.versionAttribute] === oldImage[TABLE_DESIGN.versionAttribute]) return undefined;
  const entity = findEntity(String(image.entity));
  if (!entity) throw new Error(`stream record ${ddb.SequenceNumber} has unknown entity "${image.entity}"`);
  const seconds = ddb.ApproximateCreationDateTime ?? Date.now() / 1000;
  return {
    entity,
    op: OPS[record.eventName],
    seq: ddb.SequenceNumber.padStart(40, '0'),
    sequenceNumber: ddb.SequenceNumber,
    changedAt: new Date(seconds * 1000),
    version: String(image[TABLE_DESIGN.versionAttribute]),
    current: newImage?.[TABLE_DESIGN.dataAttribute] as CrmRecord | undefined,
    previous: oldImage?.[TABLE_DESIGN.dataAttribute] as CrmRecord | undefined,
    ...(Array.isArray(newImage?.[TABLE_DESIGN.causationAttribute]) ? { causation: (newImage[TABLE_DESIGN.causationAttribute] as unknown[]).map(String) } : {}),
  };
}
