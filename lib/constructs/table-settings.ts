import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';

/**
 * What every Airlock table shares: a string partition key, on-demand capacity, the data key,
 * point-in-time recovery, expiry by TTL, and deletion protection whenever the stage retains data.
 */
export function airlockTableProps(options: { partitionKey: string; ttlAttribute: string; key: IKey; removalPolicy: RemovalPolicy }): TableProps {
  return {
    partitionKey: { name: options.partitionKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: options.key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: options.ttlAttribute,
    deletionProtection: options.removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy: options.removalPolicy,
  };
}
