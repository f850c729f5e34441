import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNag, pinLogicalId } from '../nag';

export interface UpstreamSecretsProps {
  key: IKey;
  removalPolicy: RemovalPolicy;
  namePrefix: string;
  /** Create the Anthropic Messages upstream's secret too. */
  anthropic: boolean;
}

const ROTATION_REASON =
  'The secret holds an API key issued by a third-party LLM provider; it can only be rotated at the provider, then stored with put-secret-value.';

/** The upstream credentials the gateway holds on behalf of its callers. Values are set after deploy (docs/deploy.md). */
export class UpstreamSecrets extends Construct {
  readonly openai: Secret;
  readonly anthropic?: Secret;

  constructor(scope: Construct, id: string, props: UpstreamSecretsProps) {
    super(scope, id);
    this.openai = this.secret('UpstreamApiKey', `${props.namePrefix}/upstream-api-key`, 'OpenAI-compatible upstream', props);
    pinLogicalId(this.openai, 'UpstreamApiKeySecret');
    if (props.anthropic) {
      this.anthropic = this.secret('AnthropicApiKey', `${props.namePrefix}/anthropic-api-key`, 'Anthropic Messages upstream', props);
      pinLogicalId(this.anthropic, 'AnthropicApiKeySecret');
    }
  }

  private secret(id: string, secretName: string, what: string, props: UpstreamSecretsProps): Secret {
    const secret = new Secret(this, id, {
      secretName,
      description: `Airlock: API key of the ${what} (a plain string, or JSON {"apiKey": "..."})`,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
    });
    acknowledgeNag(secret, { 'AwsSolutions-SMG4': ROTATION_REASON });
    return secret;
  }
}
