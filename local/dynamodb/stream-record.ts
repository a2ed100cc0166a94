// Turns DynamoDB Streams API records (AWS SDK v3 shapes) into the records Lambda hands a stream
// handler, so the same handler code runs locally and in AWS.
import type { AttributeValue as SdkAttributeValue, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';
import { TABLE_DESIGN } from '#lib/table/design.ts';

/**
 * The event source mapping's FilterCriteria pattern: only record items reach the stream handler,
 * not identity or alias items. `isRecordChange` is its local evaluation.
 */
export const RECORD_CHANGES_FILTER_PATTERN = { dynamodb: { Keys: { [TABLE_DESIGN.sortKey]: { S: [TABLE_DESIGN.recordSortKey] } } } } as const;

export const isRecordChange = (record: DynamoDBRecord): boolean => record.dynamodb?.Keys?.[TABLE_DESIGN.sortKey]?.S === TABLE_DESIGN.recordSortKey;

/** Lambda's shape: plain JSON, binary as base64, creation time in epoch seconds, the stream ARN as event source. */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (d.ApproximateCreationDateTime !== undefined) dynamodb.ApproximateCreationDateTime = Math.floor(d.ApproximateCreationDateTime.getTime() / 1000);
  if (d.Keys) dynamodb.Keys = toLambdaItem(d.Keys);
  if (d.NewImage) dynamodb.NewImage = toLambdaItem(d.NewImage);
  if (d.OldImage) dynamodb.OldImage = toLambdaItem(d.OldImage);
  if (d.SequenceNumber !== undefined) dynamodb.SequenceNumber = d.SequenceNumber;
  if (d.SizeBytes !== undefined) dynamodb.SizeBytes = d.SizeBytes;
  if (d.StreamViewType !== undefined) dynamodb.StreamViewType = d.StreamViewType;

  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  // TTL deletions carry the service identity; Lambda passes it in camelCase.
  if (record.userIdentity) out.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  if (out.awsRegion === undefined) delete out.awsRegion;
  return out;
}

export function toLambdaItem(item: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = toLambdaAttributeValue(value);
  return out;
}

export function toLambdaAttributeValue(v: SdkAttributeValue): AttributeValue {
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.B !== undefined) return { B: base64(v.B) };
  if (v.SS !== undefined) return { SS: [...v.SS] };
  if (v.NS !== undefined) return { NS: [...v.NS] };
  if (v.BS !== undefined) return { BS: v.BS.map(base64) };
  if (v.L !== undefined) return { L: v.L.map(toLambdaAttributeValue) };
  if (v.M !== undefined) return { M: toLambdaItem(v.M) };
  throw new Error(`unsupported attribute value ${JSON.stringify(v)}`, { cause: { package: 'local/dynamodb', data: v } });
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
