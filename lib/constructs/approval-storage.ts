import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { APPROVAL_TABLE } from '../../lambdas/store/approval-table';
import { airlockTableProps } from './table-settings';
import { acknowledgeNag, pinLogicalId } from '../nag';

export interface ApprovalStorageProps {
  key: IKey;
  removalPolicy: RemovalPolicy;
}

/**
 * The approval table (lambdas/store/approval-table.ts): approval requests and the task tokens that
 * resume their workflows, apart from the session table so IAM can keep tokens away from most functions.
 */
export class ApprovalStorage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ApprovalStorageProps) {
    super(scope, id);
    this.table = new Table(this, 'ApprovalTable', airlockTableProps({ partitionKey: APPROVAL_TABLE.partitionKey, ttlAttribute: APPROVAL_TABLE.ttlAttribute, key: props.key, removalPolicy: props.removalPolicy }));
    const index = APPROVAL_TABLE.indexes.byRequestHash;
    this.table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
    pinLogicalId(this.table, 'ApprovalTable');
    acknowledgeNag(this.table, {
      'AwsSolutions-DDB4': 'Point-in-time recovery (35 days, continuous) is the backup; an AWS Backup plan is an account-level choice left to the deployer.',
    });
  }
}
