import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { pinLogicalId } from '../nag';

export interface CallTokenKeyProps {
  alias: string;
  removalPolicy: RemovalPolicy;
}

/** What the account's administrators may do with the key: manage it, never sign with it. */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];
const SIGNING = ['kms:Sign', 'kms:GetPublicKey'];

/**
 * The KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) that signs per-call upstream MCP tokens
 * (ES256); the private key never leaves KMS. Its key policy lets the account administer it and
 * lets only the principals given to `grantSigning` sign: no `kms:*`, no delegation of signing to
 * IAM. Asymmetric keys cannot rotate automatically; replacing the key changes `kid`, which
 * verifiers pick up from the JWKS. The logical ID is pinned: a refactoring never replaces it.
 */
export class CallTokenKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: CallTokenKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Airlock: signs the per-call tokens sent to upstream MCP servers (public key at /.well-known/jwks.json)',
      alias: props.alias,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({ sid: 'KeyAdministration', principals: [new AccountRootPrincipal()], actions: KEY_ADMINISTRATION, resources: ['*'] }),
        ],
      }),
    });
    pinLogicalId(this.key, 'McpCallTokenKey');
  }

  /** Lets `role` sign with the key and read its public key, in the key policy and in the role's own policy. */
  grantSigning(role: IRole): void {
    this.key.addToResourcePolicy(new PolicyStatement({ sid: 'SignCallTokens', principals: [role], actions: SIGNING, resources: ['*'] }));
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'McpCallTokenSigning', actions: SIGNING, resources: [this.key.keyArn] }));
  }
}
