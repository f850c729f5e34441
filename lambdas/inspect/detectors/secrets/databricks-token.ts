import { prefixedToken } from '../support';

/** Databricks personal access tokens. */
export const databricksToken = prefixedToken({
  type: 'databricks_token',
  priority: 80,
  prefixes: ['dapi', 'dkea'],
  body: '[a-f0-9]{32}(?:-[0-9])?',
  maxBody: 34,
});
