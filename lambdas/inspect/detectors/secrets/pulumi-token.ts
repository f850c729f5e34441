import { prefixedToken } from '../support';

/** Pulumi access tokens. */
export const pulumiToken = prefixedToken({
  type: 'pulumi_token',
  priority: 80,
  prefixes: ['pul-'],
  body: '[a-f0-9]{40}',
  maxBody: 40,
});
