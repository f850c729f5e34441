import { Match, type Template } from 'aws-cdk-lib/assertions';
import { APPROVAL_TABLE } from '../../lambdas/store/approval-table';
import { LEGACY_STATUS_INDEX, SESSION_TABLE } from '../../lambdas/store/schema';
import { synthStateful, TEST_CONFIG } from './airlock-app';

/** Logical IDs that must never change: changing one replaces the resource and loses its data. */
const PINNED_LOGICAL_IDS = {
  DataKey: 'AWS::KMS::Key',
  SessionTable: 'AWS::DynamoDB::Table',
  ApprovalTable: 'AWS::DynamoDB::Table',
  UsageTable: 'AWS::DynamoDB::Table',
  TranscriptBucket: 'AWS::S3::Bucket',
  AccessLogBucket: 'AWS::S3::Bucket',
  UpstreamApiKeySecret: 'AWS::SecretsManager::Secret',
  UserPool: 'AWS::Cognito::UserPool',
  UserPoolGroupLlmUsers: 'AWS::Cognito::UserPoolGroup',
  UserPoolGroupApprovers: 'AWS::Cognito::UserPoolGroup',
  UserPoolGroupAuditors: 'AWS::Cognito::UserPoolGroup',
  UserPoolDomain: 'AWS::Cognito::UserPoolDomain',
  ApiResourceServer: 'AWS::Cognito::UserPoolResourceServer',
  CiClient: 'AWS::Cognito::UserPoolClient',
};

/** Resources holding data or identities: kept when the stack is deleted or the resource replaced. */
const RETAINED = ['DataKey', 'SessionTable', 'ApprovalTable', 'UsageTable', 'TranscriptBucket', 'AccessLogBucket', 'UpstreamApiKeySecret', 'UserPool'];

describe('stateful stack', () => {
  let template: Template;
  beforeAll(() => {
    template = synthStateful();
  });

  describe('logical IDs', () => {
    it.each(Object.entries(PINNED_LOGICAL_IDS))('keeps %s as a %s', (logicalId, type) => {
      expect(template.toJSON().Resources[logicalId]?.Type).toBe(type);
    });

    it('retains every stateful resource on delete and replace by default', () => {
      for (const logicalId of RETAINED) {
        expect(template.toJSON().Resources[logicalId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    });
  });

  describe('data key', () => {
    it('rotates', () => {
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });
  });

  describe('session table', () => {
    it('is keyed, indexed and expired as lambdas/store/schema.ts says', () => {
      const indexes = Object.values(SESSION_TABLE.indexes);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [{ AttributeName: SESSION_TABLE.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: Match.arrayWith(
          indexes.map((index) =>
            Match.objectLike({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }),
          ),
        ),
        TimeToLiveSpecification: { AttributeName: SESSION_TABLE.ttlAttribute, Enabled: true },
      });
      expect(template.toJSON().Resources.SessionTable.Properties.GlobalSecondaryIndexes).toHaveLength(indexes.length);
    });

    it('keeps the unsharded status index beside the sharded ones only while a deployment migrates (legacyStatusIndex)', () => {
      const names = (t: Template) => (t.toJSON().Resources.SessionTable.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName).sort();

      const migrating = synthStateful({ ...TEST_CONFIG, legacyStatusIndex: true });

      expect(names(template)).toEqual(Object.values(SESSION_TABLE.indexes).map((i) => i.name).sort());
      expect(names(migrating)).toEqual([...names(template), LEGACY_STATUS_INDEX.name].sort());
    });

    it('is on demand, recoverable to a point in time, encrypted with the data key and protected from deletion', () => {
      expect(template.toJSON().Resources.SessionTable.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
        DeletionProtectionEnabled: true,
      });
    });
  });

  describe('approval table', () => {
    it('is keyed, indexed and expired as lambdas/store/approval-table.ts says, encrypted and recoverable', () => {
      const index = APPROVAL_TABLE.indexes.byRequestHash;

      expect(template.toJSON().Resources.ApprovalTable.Properties).toMatchObject({
        KeySchema: [{ AttributeName: APPROVAL_TABLE.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        TimeToLiveSpecification: { AttributeName: APPROVAL_TABLE.ttlAttribute, Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
      });
    });
  });

  describe('transcript bucket', () => {
    it('is encrypted with the data key, versioned, private and logs access to the log bucket', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] } }, BucketKeyEnabled: true },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: 'AccessLogBucket' }, LogFilePrefix: 'transcripts/' },
      });
    });

    it('expires transcripts and their old versions after the configured retention', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ Status: 'Enabled', ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 400 } })],
        },
      });
    });

    it('refuses every request not made over TLS', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: 'TranscriptBucket' },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('has no Object Lock unless configured', () => {
      expect(template.toJSON().Resources.TranscriptBucket.Properties.ObjectLockEnabled).toBeUndefined();
    });
  });

  describe('upstream secret', () => {
    it('is encrypted with the data key', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'airlock-test/upstream-api-key',
        KmsKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      });
    });
  });

  describe('user pool', () => {
    it('has the llm-users, approvers and auditors groups', () => {
      for (const group of ['llm-users', 'approvers', 'auditors']) {
        template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group, UserPoolId: { Ref: 'UserPool' } });
      }
      template.resourceCountIs('AWS::Cognito::UserPoolGroup', 3);
    });

    it('requires MFA, a strong password and admin-created users, with threat protection on', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    });

    it('offers the airlock/invoke scope and a client-credentials client for CI limited to it', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: 'airlock',
        Scopes: [Match.objectLike({ ScopeName: 'invoke' })],
      });
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: 'airlock-ci',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        // `Ref` of a resource server is its identifier: this renders as `airlock/invoke`.
        AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: 'ApiResourceServer' }, '/invoke']] }],
      });
    });

    it('has a hosted-UI domain named after the stage and account', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        UserPoolId: { Ref: 'UserPool' },
        Domain: `airlock-test-${TEST_CONFIG.account}`,
      });
    });
  });
});

describe('stateful stack, dev settings', () => {
  it('deletes stateful resources with the stack when removalPolicy is destroy', () => {
    const template = synthStateful({ ...TEST_CONFIG, removalPolicy: 'destroy' });

    expect(template.toJSON().Resources.SessionTable).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(template.toJSON().Resources.TranscriptBucket).toMatchObject({ DeletionPolicy: 'Delete' });
    template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('locks transcripts in compliance mode for the configured days', () => {
    const template = synthStateful({ ...TEST_CONFIG, objectLock: { mode: 'compliance', days: 365 } });

    expect(template.toJSON().Resources.TranscriptBucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
    });
  });
});
