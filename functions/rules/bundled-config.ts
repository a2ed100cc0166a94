// The resolved automation configuration inside the Lambda bundle: infra validates the team's file at synth
// (loadAutomationConfig) and esbuild defines __CRM_AUTOMATION_CONFIG__ as the resolved JSON. It is checked again
// here, so a bundle built by hand cannot run rules the schema refuses. Without the define (tests, local runs)
// the configuration is loaded from the file as every local command does.
import { z } from 'zod';
import { loadAutomationConfig } from '#lib/rules/config.ts';
import { automationSettings, rule, webhookEndpoint, type AutomationConfig } from '#schemas/rules.ts';

declare const __CRM_AUTOMATION_CONFIG__: string | undefined;

const resolvedConfig = z.object({ rules: z.array(rule), webhooks: z.record(z.string(), webhookEndpoint), settings: automationSettings });

export function bundledAutomationConfig(): AutomationConfig {
  const text = typeof __CRM_AUTOMATION_CONFIG__ === 'string' ? __CRM_AUTOMATION_CONFIG__ : process.env.CRM_AUTOMATION_RESOLVED;
  if (text === undefined) return loadAutomationConfig();
  return resolvedConfig.parse(JSON.parse(text));
}
