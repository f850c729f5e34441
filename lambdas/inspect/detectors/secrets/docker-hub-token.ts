import { prefixedToken } from '../support';

/** Docker Hub personal access tokens. */
export const dockerHubToken = prefixedToken({
  type: 'docker_hub_token',
  priority: 80,
  prefixes: ['dckr_pat_', 'dckr_oat_'],
  body: '[A-Za-z0-9_-]{24,40}',
  maxBody: 40,
  notFollowedBy: 'A-Za-z0-9_-',
});
