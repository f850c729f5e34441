import { prefixedToken } from '../support';

/** Grafana Cloud API tokens and service-account tokens. */
export const grafanaToken = prefixedToken({
  type: 'grafana_token',
  priority: 80,
  prefixes: ['glc_', 'glsa_'],
  body: '[A-Za-z0-9+/_]{32,400}={0,2}',
  maxBody: 402,
  notFollowedBy: 'A-Za-z0-9+/_=',
});
