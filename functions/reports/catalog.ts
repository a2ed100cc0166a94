// The reports there are. `crm report all`, the demo and the scheduled report Lambdas run this list.
import { churn } from './churn/report.ts';
import type { ReportDefinition } from './report-definition.ts';
import { rfm } from './rfm/report.ts';
import { automation } from './automation/report.ts';
import { salesOverview } from './sales_overview/report.ts';
import { forecast } from './forecast/report.ts';
import { marketingRoi } from './marketing_roi/report.ts';
import { pipeline } from './pipeline/report.ts';
import { salesPerformance } from './sales_performance/report.ts';
import { service } from './service/report.ts';
import { recommendations } from './recommendations/report.ts';
import { leadScoring } from './lead_scoring/report.ts';

export const reports: readonly ReportDefinition[] = [salesOverview, rfm, churn, forecast, pipeline, salesPerformance, service, marketingRoi, recommendations, leadScoring, automation];

export const reportNames: readonly string[] = reports.map((r) => r.name);

export const findReport = (name: string): ReportDefinition | undefined => reports.find((r) => r.name === name);
