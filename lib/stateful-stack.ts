import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { UserPool, UserPoolClient, UserPoolDomain, OAuthScope } from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config';
import { ApprovalStorage } from './constructs/approval-storage';
import { DataKey } from './constructs/data-key';
import { SessionStorage } from './constructs/session-storage';
import { UpstreamSecrets } from './constructs/upstream-secrets';
import { UsageStorage } from './constructs/usage-storage';
import { defaultDomainPrefix, UserDirectory } from './constructs/user-directory';

/** What the stateless stack receives from the stateful one. */
export interface StatefulResources {
  key: Key;
  sessionTable: Table;
  approvalTable: Table;
  /** Counters of the policy's rate limits and budgets. */
  usageTable: Table;
  transcriptBucket: Bucket;
  upstreamSecret: Secret;
  anthropicSecret?: Secret;
  userPool: UserPool;
  userPoolDomain: UserPoolDomain;
  invokeScope: OAuthScope;
  ciClient: UserPoolClient;
}

export interface StatefulStackProps extends StackProps {
  config: DeployConfig;
}

/**
 * Everything that holds data or identity: the key, the session and approval tables, the transcript
 * bucket, the upstream secrets and the user pool. Logical IDs are pinned and removal is RETAIN unless the
 * config says `destroy`, so this stack can outlive any change to the stateless one.
 */
export class StatefulStack extends Stack {
  readonly resources: StatefulResources;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const name = `${config.namePrefix}-${config.stage}`;

    const dataKey = new DataKey(this, 'DataKey', { alias: `alias/${name}-data`, removalPolicy });
    const storage = new SessionStorage(this, 'Storage', {
      key: dataKey.key,
      removalPolicy,
      transcriptRetentionDays: config.transcriptRetentionDays,
      objectLock: config.objectLock,
      legacyStatusIndex: config.legacyStatusIndex,
    });
    const approvals = new ApprovalStorage(this, 'Approvals', { key: dataKey.key, removalPolicy });
    const usage = new UsageStorage(this, 'Usage', { key: dataKey.key, removalPolicy });
    const secrets = new UpstreamSecrets(this, 'UpstreamSecrets', {
      key: dataKey.key,
      removalPolicy,
      namePrefix: name,
      anthropic: config.anthropicUrl !== undefined,
    });
    const directory = new UserDirectory(this, 'Identity', {
      poolName: name,
      ...(config.hostedUiDomainPrefix ? { domainPrefix: config.hostedUiDomainPrefix } : {}),
      defaultDomainPrefix: defaultDomainPrefix(this, config.namePrefix, config.stage),
      removalPolicy,
    });

    this.resources = {
      key: dataKey.key,
      sessionTable: storage.table,
      approvalTable: approvals.table,
      usageTable: usage.table,
      transcriptBucket: storage.transcripts,
      upstreamSecret: secrets.openai,
      ...(secrets.anthropic ? { anthropicSecret: secrets.anthropic } : {}),
      userPool: directory.userPool,
      userPoolDomain: directory.domain,
      invokeScope: directory.invokeScope,
      ciClient: directory.ciClient,
    };

    new CfnOutput(this, 'UpstreamSecretArn', { value: secrets.openai.secretArn, description: 'Store the upstream API key here (put-secret-value)' });
    if (secrets.anthropic) new CfnOutput(this, 'AnthropicSecretArn', { value: secrets.anthropic.secretArn });
    new CfnOutput(this, 'UserPoolId', { value: directory.userPool.userPoolId });
    new CfnOutput(this, 'CiClientId', { value: directory.ciClient.userPoolClientId, description: 'Client-credentials client for CI pipelines' });
    new CfnOutput(this, 'TokenEndpoint', { value: directory.tokenEndpoint, description: 'OAuth 2.0 token endpoint (scope airlock/invoke)' });
    new CfnOutput(this, 'TranscriptBucketName', { value: storage.transcripts.bucketName });
    new CfnOutput(this, 'SessionTableName', { value: storage.table.tableName });
    new CfnOutput(this, 'ApprovalTableName', { value: approvals.table.tableName });
    new CfnOutput(this, 'UsageTableName', { value: usage.table.tableName });
  }
}
