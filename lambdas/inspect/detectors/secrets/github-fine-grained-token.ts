import { entropy, prefixedToken } from '../support';

/** GitHub fine-grained personal access tokens: `github_pat_` + 22 + `_` + 59 characters. */
export const githubFineGrainedToken = prefixedToken({
  type: 'github_fine_grained_token',
  priority: 80,
  prefixes: ['github_pat_'],
  body: '[A-Za-z0-9_]{80,90}',
  maxBody: 90,
  validate: (token) => entropy(token.slice(11)) > 3.5,
});
