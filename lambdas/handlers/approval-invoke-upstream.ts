import { awsUpstreams, awsUsage } from '../aws/adapters';
import { awsRecords } from '../aws/approval-adapters';
import { loadBundledPolicy } from '../aws/bundled-policy';
import { composeInvokeStep } from '../gateway/compose';
import { policyFromObject } from '../inspect/policy';
import { readConfig } from '../shared/config';

/** InvokeUpstream's function: the approved, masked request to the proxy's upstream, its answer masked (so it carries the inspector), its tokens charged and priced. */
const config = readConfig('approval-invoke-upstream');

const upstreams = awsUpstreams(config);

export const handler = composeInvokeStep({
  ...awsRecords(config),
  ...awsUsage(config),
  policy: loadBundledPolicy(config, policyFromObject),
  providers: upstreams.providers,
  heldCredentials: upstreams.heldCredentials,
});
