// Powertools logger and metrics, created once per execution environment. Logs are structured JSON
// on stderr so that stdout stays machine-readable when the same code runs in the CLI.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'crm';

export const logger = new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? (process.env.CRM_LOCAL ? 'WARN' : 'INFO') });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Crm', serviceName });
