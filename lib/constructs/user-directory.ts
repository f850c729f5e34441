import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolDomain,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { pinLogicalId } from '../nag';

/** The groups policy and the approval workflow refer to; pinned logical ID suffix → group name. */
export const USER_GROUPS = {
  LlmUsers: { name: 'llm-users', description: 'May call the gateway (subject to policy)' },
  Approvers: { name: 'approvers', description: 'May approve or deny held prompts' },
  Auditors: { name: 'auditors', description: 'May search, read and replay every session' },
} as const;

export const RESOURCE_SERVER_ID = 'airlock';
export const INVOKE_SCOPE = 'invoke';

export interface UserDirectoryProps {
  poolName: string;
  /** Hosted-UI domain prefix; a CloudFormation expression is allowed (the default embeds the account id). */
  domainPrefix?: string;
  defaultDomainPrefix: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The Cognito user pool: people (MFA required, threat protection on), the three groups, the
 * hosted-UI domain, the `airlock/invoke` scope and the client-credentials client for CI pipelines.
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly resourceServer: UserPoolResourceServer;
  readonly invokeScope: OAuthScope;
  readonly ciClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: props.poolName,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    pinLogicalId(this.userPool, 'UserPool');

    for (const [suffix, group] of Object.entries(USER_GROUPS)) {
      const created = this.userPool.addGroup(suffix, { groupName: group.name, description: group.description });
      pinLogicalId(created, `UserPoolGroup${suffix}`);
    }

    this.domain = this.userPool.addDomain('HostedUiDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? props.defaultDomainPrefix },
    });
    pinLogicalId(this.domain, 'UserPoolDomain');

    const invoke = new ResourceServerScope({ scopeName: INVOKE_SCOPE, scopeDescription: 'Call the Airlock gateway API' });
    this.resourceServer = this.userPool.addResourceServer('ApiResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'Airlock API',
      scopes: [invoke],
    });
    pinLogicalId(this.resourceServer, 'ApiResourceServer');
    this.invokeScope = OAuthScope.resourceServer(this.resourceServer, invoke);

    this.ciClient = this.userPool.addClient('CiClient', {
      userPoolClientName: 'airlock-ci',
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes: [this.invokeScope] },
      accessTokenValidity: Duration.minutes(60),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    pinLogicalId(this.ciClient, 'CiClient');
  }

  /** The OAuth 2.0 token endpoint of the hosted-UI domain (client credentials, authorization code). */
  get tokenEndpoint(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}

/** `airlock-<stage>-<account id>`: unique per account without a lookup at synth. */
export const defaultDomainPrefix = (scope: Construct, namePrefix: string, stage: string): string =>
  `${namePrefix}-${stage}-${Stack.of(scope).account}`;
