// The HMAC key that turns personal fields into pseudonymous hashes before they reach the lake or the bus.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PseudonymKeyProps } from './pseudonym-key-props.ts';

export class PseudonymKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: PseudonymKeyProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'HMAC-SHA256 key pseudonymising personal fields in the CRM lake and events',
      encryptionKey: props.encryptionKey ?? new Key(this, 'Key', { enableKeyRotation: true, description: 'Encrypts the CRM pseudonymisation key' }),
      // 64 alphanumeric characters: about 380 bits of entropy, no quoting trouble in any client.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating the HMAC key would change every pseudonymous id and break joins across the lake history; it is rotated only with a planned re-pseudonymisation.',
    });
  }
}
