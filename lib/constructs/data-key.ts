import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { pinLogicalId } from '../nag';

export interface DataKeyProps {
  alias: string;
  removalPolicy: RemovalPolicy;
}

/** The customer-managed key for every stored byte: sessions, transcripts, upstream secrets, topics. */
export class DataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Airlock: sessions, transcripts, upstream credentials and notifications',
      alias: props.alias,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
    pinLogicalId(this.key, 'DataKey');
    // CloudWatch alarms publish to the KMS-encrypted alarm topic, which needs the key's data keys.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }
}
