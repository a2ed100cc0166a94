// Deploy hygiene: stages side by side in one account and region (every named resource carries the stage), and
// the region the stack gets is the one documented in code, whatever the CDK CLI puts in CDK_DEFAULT_REGION.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { addCrmStack, buildCrmApp, DEFAULT_REGION } from '../../infra/crm-app.ts';
import { buildTestApp, cdkJson } from './crm-app-fixture.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/**
 * Names a resource is known by in the account and region: every `...Name` property with a literal value, except
 * names scoped inside another resource (an inline policy in its role, a stage in its API, a Glue table in its
 * database, whose name is then `<database>.<table>`), and names that identify no resource: CloudWatch metric
 * names, SNS display names and the header names of a connection's authorisation.
 */
function accountNames(resources: Resources): string[] {
  const names: string[] = [];
  const walk = (type: string, path: string, value: unknown) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('Fn::') || key === 'Ref' || key === 'MetricName' || key === 'DisplayName' || key === 'AuthParameters') continue;
      if (/Name$/.test(key) && typeof v === 'string') names.push(`${type} ${path}${key}=${v}`);
      else walk(type, `${path}${key}.`, v);
    }
  };
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Glue::Table') names.push(`${r.Type} ${String(p.DatabaseName)}.${String((p.TableInput as { Name: string }).Name)}`);
    else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::ApiGatewayV2::Stage') continue;
    else walk(r.Type, '', p);
  }
  return names;
}

describe('two stages in one app, account and region', () => {
  // Webhooks and e-mail switched on, so their named resources (connections, destinations) are compared too.
  const config = join(mkdtempSync(join(tmpdir(), 'crm-stages-')), 'crm.automation.json');
  writeFileSync(config, JSON.stringify({ webhooks: { erp: { url: 'https://erp.example.com/hooks/crm', secretName: 'crm/webhooks/erp' } } }));
  const { app, stack: blue } = buildTestApp({ stage: 'blue', automationConfig: config, emailFrom: 'crm@example.com', 'aws:cdk:bundling-stacks': [] });
  const green = addCrmStack(app, 'green');
  // Synthesis runs cdk-nag over both stacks: a clash CloudFormation would only find at deploy time is caught here.
  const assembly = app.synth();
  const templates = [blue, green].map((s) => assembly.getStackByName(s.stackName).template as { Resources: Resources });
  const [blueNames, greenNames] = templates.map((t) => accountNames(t.Resources)) as [string[], string[]];

  it('share an account and region', () => {
    expect([blue.account, blue.region]).toEqual([green.account, green.region]);
  });

  it('name no resource alike', () => {
    expect(blueNames.length).toBeGreaterThan(10);
    expect(blueNames.filter((n) => greenNames.includes(n))).toEqual([]);
  });

  it('carry the stage in every account-level name, the crm bus included', () => {
    for (const [stage, names] of [['blue', blueNames], ['green', greenNames]] as const) {
      for (const name of names) expect(name).toMatch(new RegExp(`=?crm[-_]${stage}\\b`));
      expect(names).toContain(`AWS::Events::EventBus Name=crm-${stage}`);
      expect(names).toContain(`AWS::Athena::WorkGroup Name=crm-${stage}`);
      expect(names).toContain(`AWS::ApiGatewayV2::Api Name=crm-${stage}`);
    }
  });

  it('pass each function its own stage bus', () => {
    const buses = templates.map((t) => Object.values(t.Resources).find((r) => r.Type === 'AWS::Events::EventBus')!.Properties!.Name);
    expect(buses).toEqual(['crm-blue', 'crm-green']);
  });
});

describe('region', () => {
  const saved = process.env.CDK_DEFAULT_REGION;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK_DEFAULT_REGION;
    else process.env.CDK_DEFAULT_REGION = saved;
  });
  const app = (context: Record<string, unknown> = {}) => new App({ context: { ...cdkJson.context, account: '123456789012', 'aws:cdk:bundling-stacks': [], ...context } });

  it('is DEFAULT_REGION when no -c region is given, even when the CLI sets CDK_DEFAULT_REGION=us-east-1', () => {
    // What `cdk synth` does on a machine without a profile region.
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    expect(DEFAULT_REGION).toBe('eu-central-1');
    expect(buildCrmApp(app()).region).toBe(DEFAULT_REGION);
  });

  it('is the -c region when given', () => {
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    expect(buildCrmApp(app({ region: 'eu-west-1' })).region).toBe('eu-west-1');
  });
});
