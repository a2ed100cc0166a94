// CDK entry point (cdk.json "app"): `cdk synth -c stage=prod [-c region=...] [-c account=...] [-c alarmEmail=...]`.
import { App } from 'aws-cdk-lib';
import { buildCrmApp } from './crm-app.ts';

const app = new App();
buildCrmApp(app);
app.synth();
