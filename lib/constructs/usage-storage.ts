import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { USAGE_TABLE } from '../../lambdas/store/usage-counters';
import { acknowledgeNag, pinLogicalId } from '../nag';

export interface UsageStorageProps {
  key: IKey;
  removalPolicy: RemovalPolicy;
}

/**
 * The usage table (lambdas/store/usage-counters.ts): the counters of the policy's rate limits and
 * budgets, one item per scope and fixed window, removed by TTL a day after the window ends.
 */
export class UsageStorage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: UsageStorageProps) {
    super(scope, id);
    this.table = new Table(this, 'UsageTable', {
      partitionKey: { name: USAGE_TABLE.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: USAGE_TABLE.ttlAttribute,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    pinLogicalId(this.table, 'UsageTable');
    acknowledgeNag(this.table, {
      'AwsSolutions-DDB4': 'Counters of windows at most a day long: point-in-time recovery covers them; an AWS Backup plan would only keep expired windows.',
    });
  }
}
