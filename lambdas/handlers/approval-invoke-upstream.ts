import { awsRecords, awsUpstreams } from '../aws/adapters';
import { loadBundledPolicy } from '../aws/bundled-policy';
import { composeInvokeStep } from '../gateway/compose';
import { readConfig } from '../shared/config';

/** InvokeUpstream's function: the approved, masked request to the proxy's upstream, its answer masked. */
const config = readConfig('approval-invoke-upstream');

const upstreams = awsUpstreams(config);

export const handler = composeInvokeStep({ ...awsRecords(config), policy: loadBundledPolicy(config), providers: upstreams.providers, heldCredentials: upstreams.heldCredentials });
