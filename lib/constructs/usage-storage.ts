import type { RemovalPolicy } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { USAGE_TABLE } from '../../lambdas/store/usage-counters';
import { airlockTableProps } from './table-settings';
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
    this.table = new Table(this, 'UsageTable', airlockTableProps({ partitionKey: USAGE_TABLE.partitionKey, ttlAttribute: USAGE_TABLE.ttlAttribute, key: props.key, removalPolicy: props.removalPolicy }));
    pinLogicalId(this.table, 'UsageTable');
    acknowledgeNag(this.table, {
      'AwsSolutions-DDB4': 'Counters of windows at most a day long: point-in-time recovery covers them; an AWS Backup plan would only keep expired windows.',
    });
  }
}
