import { prefixedToken } from '../support';

/** Terraform Cloud / Enterprise API tokens (`….atlasv1.…`). */
export const terraformCloudToken = prefixedToken({
  type: 'terraform_cloud_token',
  priority: 80,
  prefixes: ['.atlasv1.'],
  body: '[A-Za-z0-9_=-]{60,70}',
  maxBody: 70,
  notFollowedBy: 'A-Za-z0-9_=-',
  midWord: true,
  lookBehind: 14,
});
