// The Athena workgroup analysts and report functions query the lake through. Its settings are enforced, so a
// client cannot write results unencrypted, elsewhere, or scan without the cost guard.
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import type { AnalyticsWorkgroupProps } from './analytics-workgroup-props.ts';
import { ATHENA_RESULTS_PREFIX } from './data-lake-bucket.ts';

export const ATHENA_ENGINE_V3 = 'Athena engine version 3';

export class AnalyticsWorkgroup extends Construct {
  readonly workGroup: CfnWorkGroup;
  readonly name: string;

  constructor(scope: Construct, id: string, props: AnalyticsWorkgroupProps) {
    super(scope, id);
    this.name = props.name;
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.name,
      description: 'CRM analytics over the lake',
      state: 'ENABLED',
      // Lets `cdk destroy` remove the workgroup even when it holds saved queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_V3 },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${props.resultsPrefix ?? ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.resultsKey.keyArn },
        },
      },
    });
  }
}
