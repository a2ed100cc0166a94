// cdk-nag AwsSolutions over the whole app: zero unacknowledged findings, every acknowledgement scoped and explained.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildTestApp, stackAndNested } from './crm-app-fixture.ts';

const { app, stack } = buildTestApp();

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledgement recorded with `Validations.of(x).acknowledge()` anywhere in the app. */
function acknowledgements(root: App): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  // Synthesis runs every nag rule over the ~190 resources (the automation rules added most): slow on a busy machine.
  it('synthesizes with the pack registered: an unacknowledged finding would abort synthesis', { timeout: 300_000 }, () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('finds no unacknowledged errors or warnings', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leaves no AwsSolutions annotations', () => {
    // A nested stack has no artifact of its own: its constructs' annotations are in the parent's (the probe below
    // shows the pack reaching into a report's nested stack).
    expect(stackAndNested(stack).length).toBeGreaterThan(stack.reports.byReport.size);
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('reaches into nested stacks: an insecure bucket in a report\'s nested stack fails synthesis', () => {
    const { app: probe, stack: probeStack } = buildTestApp({ stage: 'probe-nested', 'aws:cdk:bundling-stacks': [] });
    new Bucket([...probeStack.reports.byReport.values()][0]!.stack, 'Insecure');
    expect(() => probe.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('is live: an insecure bucket added to the app fails synthesis', () => {
    const { app: probe, stack: probeStack } = buildTestApp({ stage: 'probe', 'aws:cdk:bundling-stacks': [] });
    new Bucket(probeStack, 'Insecure');
    expect(() => probe.synth()).toThrow(/AwsSolutions-S1/);
  });

  describe('acknowledgements', () => {
    const acks = acknowledgements(app);

    it('exist only for the reviewed rules', () => {
      const rules = new Set(acks.map((a) => a.id.replace(/\[.*$/, '')));
      expect([...rules].sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
    });

    it('each carry a real reason', () => {
      for (const a of acks) expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(20);
    });

    it('name the exact IAM5 finding instead of the whole rule', () => {
      for (const a of acks.filter((x) => x.id.startsWith('AwsSolutions-IAM5'))) expect(a.id, a.path).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
    });

    it('sit on the resources they excuse, never on the app or a stack', () => {
      for (const a of acks) expect(app.node.findAll().find((c) => c.node.path === a.path), a.path).not.toSatisfy((c) => c === app || Stack.isStack(c));
    });
  });
});
