// Fails synthesis when a Lambda function is created outside the house construct, so no function escapes its
// runtime, bundling, logging, tracing and alarm defaults.
import { Annotations, type IAspect } from 'aws-cdk-lib';
import { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { CrmFunction } from '../constructs/crm-function.ts';

export class HouseFunctionGuard implements IAspect {
  visit(node: IConstruct): void {
    // An L1 inside an L2 function is reported once, on the L2.
    const isFunction = node instanceof LambdaFunction || (node instanceof CfnFunction && !(node.node.scope instanceof LambdaFunction));
    if (isFunction && !CrmFunction.isInsideCrmFunction(node)) {
      Annotations.of(node).addError(
        `${node.node.path} is a raw Lambda function: build it with CrmFunction (infra/constructs/crm-function.ts) so it gets the house runtime, bundling, log group, tracing and alarms.`,
      );
    }
  }
}
