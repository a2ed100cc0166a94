// `--stage NAME`: the deployed stack `Crm-<stage>` as the command line sees it, its outputs read with
// CloudFormation DescribeStacks. Missing credentials or region fail here with a message naming what is missing.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity } from '@smithy/types';

export interface DeployedStack {
  stage: string;
  stackName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Stack outputs by key (ApiUrl, AthenaWorkGroup, GlueDatabase, LakeBucketName, ReportStateMachines, ...). */
  outputs: Record<string, string>;
}

export class StageError extends Error {}

/** The output, or an error naming the stack and the output (an older deployment may lack it). */
export function stackOutput(stack: DeployedStack, key: string): string {
  const value = stack.outputs[key];
  if (!value) throw new StageError(`stack ${stack.stackName} has no output ${key}: deploy the current version (npx cdk deploy -c stage=${stack.stage})`);
  return value;
}

export interface ResolveStackOptions {
  /** @default process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION */
  region?: string;
  /** @default the SDK's provider chain (environment, profile, SSO, instance role) */
  credentials?: () => Promise<AwsCredentialIdentity>;
  cloudFormation?: CloudFormationClient;
}

export async function resolveDeployedStack(stage: string, options: ResolveStackOptions = {}): Promise<DeployedStack> {
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new StageError(`--stage "${stage}" must be lowercase letters, digits and dashes, starting with a letter`);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new StageError('--stage needs an AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)');
  let credentials: AwsCredentialIdentity;
  try {
    credentials = await (options.credentials ?? defaultProvider())();
  } catch (err) {
    throw new StageError(
      `--stage needs AWS credentials and found none (${(err as Error).message.split('\n')[0]}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      { cause: err },
    );
  }
  const stackName = `Crm-${stage}`;
  const client = options.cloudFormation ?? new CloudFormationClient({ region, credentials });
  let found;
  try {
    found = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (err) {
    if ((err as Error).name === 'ValidationError') throw new StageError(`no stack ${stackName} in ${region}: deploy it with npx cdk deploy -c stage=${stage}`, { cause: err });
    throw err;
  }
  const outputs = Object.fromEntries((found.Stacks?.[0]?.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey!, o.OutputValue!]));
  return { stage, stackName, region, credentials, outputs };
}
