import { prefixedToken } from '../support';

/** JFrog Artifactory API keys and reference tokens. */
export const artifactoryToken = prefixedToken({
  type: 'artifactory_token',
  priority: 80,
  prefixes: ['AKCp', 'cmVmd'],
  body: '[A-Za-z0-9]{59,69}',
  maxBody: 69,
});
