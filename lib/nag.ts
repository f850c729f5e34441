import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on one construct (and its children), each with its reason.
 * Keep the scope as narrow as the finding: a single resource, and for IAM5 the exact
 * `Resource::` / `Action::` finding rather than the whole rule.
 */
export function acknowledgeNag(scope: IConstruct, findings: Record<string, string>): void {
  Validations.of(scope).acknowledge(...Object.entries(findings).map(([id, reason]) => ({ id, reason })));
}

/** Pins a stateful resource's CloudFormation logical ID so refactoring constructs never replaces it. */
export function pinLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource to pin`);
  resource.overrideLogicalId(logicalId);
}

/**
 * How cdk-nag names a resource attribute of another stack in an IAM5 finding: the name of the
 * export the consumer imports it through (the same export an automatic reference creates).
 */
export function nagImportName(producer: Stack, attribute: string): string {
  const imported = producer.resolve(producer.exportValue(attribute)) as { 'Fn::ImportValue'?: unknown };
  const name = imported['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error('expected a resource attribute exported under a literal name');
  return name;
}
