// CDK entry point (cdk.json "app"): `cdk synth -c stage=prod [-c region=...] [-c account=...] [-c alarmEmail=...]
// [-c emailFrom=crm@example.com] [-c automationConfig=path/to/crm.automation.json]`.
import { App } from 'aws-cdk-lib';
import { AutomationConfigError } from '#lib/rules/config.ts';
import { buildCrmApp } from './crm-app.ts';

const app = new App();
try {
  buildCrmApp(app);
} catch (err) {
  // The rule file's problems as `crm rules validate` prints them, without a stack trace in front.
  if (!(err instanceof AutomationConfigError)) throw err;
  process.stderr.write(`invalid automation configuration${err.file ? ` ${err.file}` : ''}:
${err.message}
`);
  process.exit(1);
}
app.synth();
