import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LEGACY_STATUS_INDEX, SESSION_TABLE } from '../../lambdas/store/schema';
import type { DeployConfig } from '../config';
import { airlockTableProps } from './table-settings';
import { acknowledgeNag, pinLogicalId } from '../nag';

export interface SessionStorageProps {
  key: IKey;
  removalPolicy: RemovalPolicy;
  transcriptRetentionDays: number;
  objectLock: DeployConfig['objectLock'];
  /** Keep the unsharded status index while a table created before sharding migrates (docs/scale.md). */
  legacyStatusIndex: boolean;
}

/** Where sessions are recorded: the session table (index) and the transcript bucket, with its access-log bucket. */
export class SessionStorage extends Construct {
  readonly table: Table;
  readonly transcripts: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: SessionStorageProps) {
    super(scope, id);
    this.table = new Table(this, 'SessionTable', airlockTableProps({ partitionKey: SESSION_TABLE.partitionKey, ttlAttribute: SESSION_TABLE.ttlAttribute, key: props.key, removalPolicy: props.removalPolicy }));
    // CloudFormation adds or removes one index per update: a table that had the legacy index keeps it for one deployment.
    const indexes = [...Object.values(SESSION_TABLE.indexes), ...(props.legacyStatusIndex ? [LEGACY_STATUS_INDEX] : [])];
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    pinLogicalId(this.table, 'SessionTable');
    acknowledgeNag(this.table, {
      'AwsSolutions-DDB4': 'Point-in-time recovery (35 days, continuous) is the backup; an AWS Backup plan is an account-level choice left to the deployer.',
    });

    // Server access logs cannot be delivered to an SSE-KMS bucket: this one uses SSE-S3.
    this.accessLogs = new Bucket(this, 'AccessLogBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.transcriptRetentionDays), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });
    pinLogicalId(this.accessLogs, 'AccessLogBucket');
    acknowledgeNag(this.accessLogs, {
      'AwsSolutions-S1': 'This is the access-log bucket of the transcript bucket; logging it to itself would loop.',
    });

    const lock = props.objectLock;
    this.transcripts = new Bucket(this, 'TranscriptBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'transcripts/',
      lifecycleRules: [
        {
          id: 'expire-transcripts',
          expiration: Duration.days(props.transcriptRetentionDays),
          noncurrentVersionExpiration: Duration.days(props.transcriptRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      ...(lock.mode === 'off'
        ? {}
        : {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              lock.mode === 'compliance' ? ObjectLockRetention.compliance(Duration.days(lock.days)) : ObjectLockRetention.governance(Duration.days(lock.days)),
          }),
      removalPolicy: props.removalPolicy,
    });
    pinLogicalId(this.transcripts, 'TranscriptBucket');
  }
}
