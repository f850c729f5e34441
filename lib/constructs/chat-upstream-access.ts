import { Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { UpstreamConfig } from '../../lambdas/shared/upstream-config';
import { acknowledgeNag } from '../nag';
import type { FunctionEnvironment } from './airlock-function';

/**
 * What a function that calls the chat upstreams (the proxy, the approved-request step) is told and
 * may do: either the single-upstream shorthand (the stack's own upstream secrets) or the
 * configured `upstreams` list, whose secrets it may read and whose Bedrock models, and only those,
 * it may invoke.
 */
export type ChatUpstreamSettings =
  | { upstreams: UpstreamConfig[] }
  | { upstreamUrl: string; anthropicUrl?: string | undefined; upstreamSecret: ISecret; anthropicSecret?: ISecret | undefined };

type UpstreamEnvironment = Pick<FunctionEnvironment<'proxy'>, 'AIRLOCK_UPSTREAMS' | 'AIRLOCK_UPSTREAM_URL' | 'AIRLOCK_UPSTREAM_SECRET_ARN' | 'AIRLOCK_ANTHROPIC_URL' | 'AIRLOCK_ANTHROPIC_SECRET_ARN'>;

export function chatUpstreamEnvironment(s: ChatUpstreamSettings): Partial<UpstreamEnvironment> {
  if ('upstreams' in s) return { AIRLOCK_UPSTREAMS: JSON.stringify(s.upstreams) };
  return {
    AIRLOCK_UPSTREAM_URL: s.upstreamUrl,
    AIRLOCK_UPSTREAM_SECRET_ARN: s.upstreamSecret.secretArn,
    ...(s.anthropicUrl && s.anthropicSecret ? { AIRLOCK_ANTHROPIC_URL: s.anthropicUrl, AIRLOCK_ANTHROPIC_SECRET_ARN: s.anthropicSecret.secretArn } : {}),
  };
}

/** The Bedrock Converse calls: InvokeModel (Converse) and InvokeModelWithResponseStream (ConverseStream). */
const BEDROCK_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

export function grantChatUpstreams(role: IRole, s: ChatUpstreamSettings): void {
  // Not Secret.grantRead: that edits the key policy in the stateful stack, a cross-stack cycle.
  // The key policy already lets account principals decrypt through Secrets Manager.
  const secrets = 'upstreams' in s ? s.upstreams.flatMap((u) => (u.secret ? [u.secret] : [])) : [s.upstreamSecret.secretArn, ...(s.anthropicSecret && s.anthropicUrl ? [s.anthropicSecret.secretArn] : [])];
  if (secrets.length) role.addToPrincipalPolicy(new PolicyStatement({ sid: 'UpstreamSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...new Set(secrets)] }));
  if (!('upstreams' in s)) return;

  const stack = Stack.of(role);
  // cdk-nag names a resource by its rendered ARN: a pseudo parameter as `<AWS::…>`, a known value as itself.
  const nag = { partition: Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition, account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account };
  const models = s.upstreams.filter((u) => u.kind === 'bedrock').flatMap((u) => modelArns(u, stack.partition, stack.account, nag));
  if (!models.length) return;
  role.addToPrincipalPolicy(new PolicyStatement({ sid: 'BedrockModels', actions: BEDROCK_ACTIONS, resources: models.map((m) => m.arn) }));
  const globbed = models.filter((m) => m.glob);
  if (globbed.length) {
    acknowledgeNag(
      role,
      Object.fromEntries(
        globbed.map((m) => [
          `AwsSolutions-IAM5[Resource::${m.nagName}]`,
          'Bedrock model ids are granted as the deployer configured them in upstreams[].models: a glob there (a model family) is the same glob here, in the configured region; an inference profile also reaches its foundation model in the regions it routes to.',
        ]),
      ),
    );
  }
}

/**
 * A Bedrock upstream's models as ARNs in its region: a foundation model (`anthropic.claude-…`) or, for
 * an id with a geography prefix (`us.anthropic.claude-…`), the inference profile of this account.
 */
function modelArns(u: UpstreamConfig, partition: string, account: string, nag: { partition: string; account: string }): Array<{ arn: string; nagName: string; glob: boolean }> {
  // What the function sends: the configured ids, with an alias's target in place of the alias.
  const aliases = new Set(Object.keys(u.aliases ?? {}));
  const sent = [...new Set([...u.models.filter((m) => !aliases.has(m)), ...Object.values(u.aliases ?? {})])];
  return sent.flatMap((model) => {
    const prefix = /^(us|eu|apac|us-gov|global)\./.exec(model);
    const glob = model.includes('*');
    if (!prefix) {
      return [{ arn: `arn:${partition}:bedrock:${u.region}::foundation-model/${model}`, nagName: `arn:${nag.partition}:bedrock:${u.region}::foundation-model/${model}`, glob }];
    }
    // A cross-region inference profile routes to the same foundation model in the regions of its geography.
    const foundation = model.slice(prefix[0].length);
    return [
      { arn: `arn:${partition}:bedrock:${u.region}:${account}:inference-profile/${model}`, nagName: `arn:${nag.partition}:bedrock:${u.region}:${nag.account}:inference-profile/${model}`, glob },
      { arn: `arn:${partition}:bedrock:*::foundation-model/${foundation}`, nagName: `arn:${nag.partition}:bedrock:*::foundation-model/${foundation}`, glob: true },
    ];
  });
}
