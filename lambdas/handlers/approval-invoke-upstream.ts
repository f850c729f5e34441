import { invokeApproved } from '../gateway/approvals/invoke-approved';
import { readRuntimeConfig } from '../shared/config';
import { approvalRecords } from './approval-runtime';
import { lambdaGatewayDeps } from './gateway-runtime';

/** InvokeUpstream's function: the approved, masked request to the proxy's upstream, its answer masked. */
const config = readRuntimeConfig();
const gateway = lambdaGatewayDeps(config);
const deps = {
  ...approvalRecords(config),
  policy: gateway.policy,
  inspectorFor: gateway.inspectorFor,
  providers: { openai: gateway.provider, ...(gateway.anthropicProvider ? { anthropic: gateway.anthropicProvider } : {}) },
};

export const handler = (event: { approvalId: string }) => invokeApproved(deps, event);
