/** The inspection engine: pure masking, stream masking, risk scoring and the policy model. */
export { createInspector, type InspectorOptions } from './inspector';
export * from './types';
export { parsePolicy } from './policy-yaml';
export {
  policyFromObject,
  resolveGroupPolicy,
  mergeGroupPolicy,
  modelAllowed,
  detectorAction,
  PolicyError,
  type Policy,
  type GroupPolicy,
  type PartialGroupPolicy,
  type CustomDetectorsPolicy,
} from './policy';
export { DETECTORS } from './detectors/registry';
export type { Detector, DetectedSpan } from './detectors/detector';
export { RISK_RULES } from './risk/registry';
export type { RiskRule, RiskSignal, RiskInput } from './risk/rule';
export { BINARY_ATTACHMENT } from './inspector';
export { GATEWAY_CREDENTIAL } from './engine/known-secrets';
export { STRUCTURAL_FIELDS, OPAQUE_FIELDS } from './json/skip-list';
