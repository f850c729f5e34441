import { prefixedToken } from '../support';

/** Typeform personal tokens. */
export const typeformToken = prefixedToken({
  type: 'typeform_token',
  priority: 80,
  prefixes: ['tfp_'],
  body: '[A-Za-z0-9_.=-]{56,64}',
  maxBody: 64,
  notFollowedBy: 'A-Za-z0-9_.=-',
});
