// The reports there are. `crm report all`, the demo and the scheduled report Lambdas run this list.
import type { ReportDefinition } from './report-definition.ts';
import { automation } from './automation/report.ts';
import { salesOverview } from './sales_overview/report.ts';

export const reports: readonly ReportDefinition[] = [salesOverview, automation];

export const reportNames: readonly string[] = reports.map((r) => r.name);

export const findReport = (name: string): ReportDefinition | undefined => reports.find((r) => r.name === name);
