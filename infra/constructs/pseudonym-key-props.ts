import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';

export interface PseudonymKeyProps {
  /**
   * KMS key encrypting the secret.
   * @default - a new customer-managed key with yearly rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the secret when the stack is deleted. Losing it makes every pseudonymous id in the lake unlinkable.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
