import { Duration, Fn, Lazy } from 'aws-cdk-lib';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type IUserPool, type IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { DeployConfig } from '../config';
import { AirlockFunction, type AirlockFunctionProps, type FunctionEnvironment } from './airlock-function';

export interface GatewayIdentityProps {
  userPool: IUserPool;
  /** Cognito clients whose tokens the gateway accepts (the CI client-credentials client). */
  clients: IUserPoolClient[];
  config: Pick<DeployConfig, 'oidcIssuers' | 'cognitoGroupMappings'>;
  functionDefaults: Pick<AirlockFunctionProps, 'policyPath' | 'logRetention' | 'logRemovalPolicy'>;
}

/**
 * Who may call: the trusted issuers (the Cognito pool and its accepted clients, plus configured
 * OIDC issuers) as runtime environment, and the TOKEN authorizer function that verifies them.
 * The authorizer has no grants at all: it only fetches public JWKS.
 */
export class GatewayIdentity extends Construct {
  readonly authorizer: AirlockFunction;
  /** The identity settings every verifying function gets (AIRLOCK_COGNITO_*, AIRLOCK_OIDC_ISSUERS). */
  readonly environment: FunctionEnvironment<'authorizer'>;
  private readonly userPool: IUserPool;
  private readonly clientIds: string[];

  constructor(scope: Construct, id: string, props: GatewayIdentityProps) {
    super(scope, id);
    this.userPool = props.userPool;
    this.clientIds = props.clients.map((c) => c.userPoolClientId);
    this.environment = {
      AIRLOCK_COGNITO_USER_POOL_ID: props.userPool.userPoolId,
      AIRLOCK_COGNITO_CLIENT_IDS: Lazy.string({ produce: () => Fn.join(',', this.clientIds) }),
      AIRLOCK_COGNITO_GROUP_MAPPINGS: JSON.stringify(props.config.cognitoGroupMappings),
      AIRLOCK_OIDC_ISSUERS: JSON.stringify(props.config.oidcIssuers),
    };
    this.authorizer = new AirlockFunction(this, 'Authorizer', {
      ...props.functionDefaults,
      handler: 'authorizer',
      description: 'Airlock: API Gateway TOKEN authorizer (bearer JWT → principal)',
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: this.environment,
    });
  }

  /**
   * A hosted-UI app client (authorization code flow) whose callback is under the API, e.g. for
   * approvers signing in on the approval page. Its tokens are accepted by the gateway too.
   */
  addHostedUiClient(id: string, props: { name: string; callbackUrls: string[]; logoutUrls?: string[]; publicClient?: boolean }): UserPoolClient {
    const client = new UserPoolClient(this, id, {
      userPool: this.userPool,
      userPoolClientName: props.name,
      // A public client has no secret and must use PKCE (the approval pages do).
      generateSecret: !props.publicClient,
      authFlows: {},
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        ...(props.logoutUrls ? { logoutUrls: props.logoutUrls } : {}),
      },
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    this.clientIds.push(client.userPoolClientId);
    return client;
  }
}
