// cfn-lint (the CloudFormation schema and rule checker) over the synthesized templates: no errors and no warnings
// (one CDK-made warning excepted, below).
// It is a required tool (.ci/run installs it): a missing cfn-lint fails this test instead of skipping it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reports } from '#functions/reports/catalog.ts';
import { addCrmStack } from '../../infra/crm-app.ts';
import { buildTestApp } from './crm-app-fixture.ts';

describe('cfn-lint', () => {
  it('is installed', () => {
    expect(() => execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' }), 'cfn-lint is required: pip install cfn-lint (.ci/run does)').not.toThrow();
  });

  it('finds nothing in the templates of two stages, webhooks and e-mail configured', { timeout: 600_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-cfn-lint-'));
    const config = join(dir, 'crm.automation.json');
    writeFileSync(config, JSON.stringify({ webhooks: { erp: { url: 'https://erp.example.com/hooks/crm', secretName: 'crm/webhooks/erp' } } }));
    const { app, stack } = buildTestApp({ stage: 'lint', automationConfig: config, emailFrom: 'crm@example.com', 'aws:cdk:bundling-stacks': [] });
    addCrmStack(app, 'lint-b');
    const assembly = app.synth();
    // The nested stacks (one per report, one of lake-view queries) are templates of their own beside the parents'.
    const nested = readdirSync(assembly.directory).filter((f) => f.endsWith('.nested.template.json'));
    expect(nested.length).toBeGreaterThanOrEqual(2 * (reports.length + 1));
    const files = [...assembly.stacks.map((s) => join(assembly.directory, s.templateFile)), ...nested.map((f) => join(assembly.directory, f))];
    expect(assembly.getStackByName(stack.stackName).template.Resources).toBeTypeOf('object');
    // --regions: the stack's region, so region-specific resource specs are checked. W3005 (a DependsOn that a GetAtt
    // already implies) is CDK's own: every Lambda function depends on its role both ways; nothing else is ignored.
    const run = spawnSync('cfn-lint', ['--format', 'parseable', '--regions', stack.region, '--ignore-checks', 'W3005', '--', ...files], { encoding: 'utf8' });
    expect(run.error, 'cfn-lint could not be started').toBeUndefined();
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});
