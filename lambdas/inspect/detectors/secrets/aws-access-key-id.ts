import { prefixedToken } from '../support';

/**
 * AWS access key ids: long-term (AKIA), temporary (ASIA) and the rarer service prefixes. Ids
 * ending in `EXAMPLE` are AWS's documentation stand-ins.
 */
export const awsAccessKeyId = prefixedToken({
  type: 'aws_access_key_id',
  priority: 80,
  prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AROA', 'AIDA', 'AGPA', 'ANPA', 'ANVA', 'APKA', 'A3T'],
  body: '[A-Z0-9]{16,17}',
  maxBody: 17,
  validate: (token) => !token.endsWith('EXAMPLE') && !/(.)\1{7}/.test(token),
});
