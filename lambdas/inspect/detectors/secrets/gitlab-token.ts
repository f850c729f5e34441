import { entropyOver, prefixedToken } from '../support';

/** GitLab personal, deploy, runner, trigger, feed, mail, agent, OAuth, SCIM and CI job tokens. */
export const gitlabToken = prefixedToken({
  type: 'gitlab_token',
  priority: 80,
  prefixes: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-', 'glcbt-', 'glffct-', 'GR1348941'],
  body: '[A-Za-z0-9_-]{20,80}(?:\\.[A-Za-z0-9_-]{2,30})?',
  maxBody: 111,
  notFollowedBy: 'A-Za-z0-9_-',
  validate: entropyOver(3),
});
