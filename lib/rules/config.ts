// The automation configuration: the built-in rule set merged with the team's file (`crm.automation.json`,
// or the file in CRM_AUTOMATION_CONFIG), validated once. Read by `cdk synth` and by every local command, so an
// invalid file fails both with the same lines: `rule <id>: <field path>: <reason>`.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { validatePattern } from '#lib/event-pattern/event-pattern.ts';
import { automationConfigFile, automationSettings, rule as ruleSchema, type AutomationConfig, type ResolvedRule } from '#schemas/rules.ts';
import { builtInRules } from './built-in-rules.ts';

export type { AutomationConfig } from '#schemas/rules.ts';

export const DEFAULT_CONFIG_FILE = 'crm.automation.json';

export interface ConfigIssue {
  /** The rule the problem is in (`-` for file-level problems such as settings or webhooks). */
  rule: string;
  /** Dotted path inside the rule (or the file), e.g. `trigger.pattern.detail-type.0`. */
  field: string;
  reason: string;
}

export class AutomationConfigError extends Error {
  override name = 'AutomationConfigError';
  constructor(
    readonly issues: ConfigIssue[],
    readonly file?: string,
  ) {
    super(issues.map((i) => `rule ${i.rule}: ${i.field}: ${i.reason}`).join('\n'));
  }
}

const pathText = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(root)');

function zodIssues(error: z.ZodError, rule: string, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((i) => ({ rule, field: pathText([...prefix, ...i.path]), reason: i.message }));
}

/** The configuration file to read: the argument, else CRM_AUTOMATION_CONFIG, else `crm.automation.json` in the working directory. */
export function automationConfigPath(file?: string): string {
  return resolve(file ?? process.env.CRM_AUTOMATION_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/**
 * Reads and resolves the configuration. A missing default file means "built-ins as shipped"; a file named
 * explicitly (argument or environment) must exist.
 */
export function loadAutomationConfig(file?: string): AutomationConfig {
  const path = automationConfigPath(file);
  const explicit = file !== undefined || process.env.CRM_AUTOMATION_CONFIG !== undefined;
  if (!existsSync(path)) {
    if (explicit) throw new AutomationConfigError([{ rule: '-', field: '(file)', reason: `${path} does not exist` }], path);
    return resolveAutomationConfig({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AutomationConfigError([{ rule: '-', field: '(file)', reason: `${path} is not valid JSON: ${(err as Error).message}` }], path);
  }
  try {
    return resolveAutomationConfig(json);
  } catch (err) {
    if (err instanceof AutomationConfigError) throw new AutomationConfigError(err.issues, path);
    throw err;
  }
}

/** Pure resolution of a parsed configuration file (no file system): for the Lambda bundle and tests. */
export function resolveAutomationConfig(json: unknown): AutomationConfig {
  const issues: ConfigIssue[] = [];
  // Rules are checked one by one first, so every message names its rule id.
  const { rules: rawRules, ...rest } = json && typeof json === 'object' && !Array.isArray(json) ? (json as { rules?: unknown }) : { rules: undefined };
  const fileShape = automationConfigFile.omit({ rules: true }).safeParse(json && typeof json === 'object' && !Array.isArray(json) ? rest : json);
  if (!fileShape.success) for (const i of fileShape.error.issues) issues.push({ rule: ruleOfPath(i.path), field: pathText(i.path), reason: i.message });
  if (rawRules !== undefined && !Array.isArray(rawRules)) issues.push({ rule: '-', field: 'rules', reason: 'must be an array of rules' });

  const file = fileShape.success ? fileShape.data : {};
  const settings = automationSettings.parse(fileShape.success ? (file.settings ?? {}) : {});
  const rules: ResolvedRule[] = [];

  const known = new Set(builtInRules.map((b) => b.id));
  for (const id of Object.keys(file.builtIns ?? {})) {
    if (!known.has(id)) issues.push({ rule: id, field: 'builtIns', reason: `no built-in rule "${id}" (built-ins: ${[...known].join(', ')})` });
  }
  for (const b of builtInRules) {
    const override = file.builtIns?.[b.id];
    const params = b.params.safeParse(override?.params ?? {});
    if (!params.success) {
      issues.push(...zodIssues(params.error, b.id, ['params']));
      continue;
    }
    const enabled = override?.enabled ?? b.enabledByDefault ?? true;
    for (const r of b.rules(params.data, { timezone: settings.timezone })) {
      const parsed = ruleSchema.safeParse({ ...r, enabled, builtIn: b.id, params: params.data });
      if (!parsed.success) issues.push(...zodIssues(parsed.error, r.id));
      else rules.push(parsed.data);
    }
  }

  if (Array.isArray(rawRules)) {
    rawRules.forEach((raw, index) => {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? String((raw as { id: string }).id) : `#${index}`;
      const parsed = ruleSchema.safeParse(raw);
      if (!parsed.success) issues.push(...zodIssues(parsed.error, id));
      else if (parsed.data.builtIn !== undefined) issues.push({ rule: id, field: 'builtIn', reason: 'is set by the loader; tune a built-in under "builtIns" instead' });
      else rules.push(parsed.data);
    });
  }

  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) issues.push({ rule: r.id, field: 'id', reason: 'is used by another rule (built-in rule ids are taken)' });
    seen.add(r.id);
    issues.push(...semanticIssues(r, file.webhooks ?? {}));
  }
  if (issues.length) throw new AutomationConfigError(issues);
  return { rules, webhooks: file.webhooks ?? {}, settings };
}

/** Checks zod cannot make: EventBridge's own pattern rules and references to configured webhooks. */
function semanticIssues(r: ResolvedRule, webhooks: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (r.trigger.type === 'event') {
    const v = validatePattern(r.trigger.pattern);
    if (!v.ok) issues.push({ rule: r.id, field: 'trigger.pattern', reason: v.error });
  }
  r.actions.forEach((a, i) => {
    // Built-ins may name endpoints the team never configured: those go to the outbox. Team rules must name a configured one.
    if (a.type === 'webhook' && r.builtIn === undefined && !(a.endpoint in webhooks)) {
      issues.push({ rule: r.id, field: `actions.${i}.endpoint`, reason: `webhook endpoint "${a.endpoint}" is not configured under "webhooks"` });
    }
  });
  return issues;
}

function ruleOfPath(path: readonly PropertyKey[]): string {
  if (path[0] === 'builtIns' && path.length > 1) return String(path[1]);
  return '-';
}
