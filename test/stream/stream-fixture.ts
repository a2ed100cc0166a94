// Builds Lambda-shaped DynamoDB stream records for record items, as the table writer stores them.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { recordKey } from '#lib/table/design.ts';
import { recordVersion } from '#functions/ingest/version.ts';
import type { AnyEntity } from '#schemas/registry.ts';

type Rec = Record<string, unknown> & { id: string; updatedAt: string };

const image = (entity: AnyEntity, data: Rec) =>
  marshall({ ...recordKey(entity.table, data.id), entity: entity.name, id: data.id, version: recordVersion(data), updatedAt: data.updatedAt, data }, { removeUndefinedValues: true }) as never;

export function streamRecord(entity: AnyEntity, seq: number, next?: Rec, prev?: Rec, at = '2026-01-15T12:00:00Z'): DynamoDBRecord {
  const data = next ?? prev!;
  return {
    eventID: `e${seq}`,
    eventName: next && prev ? 'MODIFY' : next ? 'INSERT' : 'REMOVE',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/crm/stream/x',
    dynamodb: {
      ApproximateCreationDateTime: Date.parse(at) / 1000,
      Keys: marshall(recordKey(entity.table, data.id)) as never,
      ...(next ? { NewImage: image(entity, next) } : {}),
      ...(prev ? { OldImage: image(entity, prev) } : {}),
      SequenceNumber: String(1000 + seq),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
