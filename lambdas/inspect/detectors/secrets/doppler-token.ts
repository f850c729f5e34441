import { prefixedToken } from '../support';

/** Doppler personal, service, CLI, SCIM and audit tokens. */
export const dopplerToken = prefixedToken({
  type: 'doppler_token',
  priority: 80,
  prefixes: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
  body: '[A-Za-z0-9_.-]{40,60}',
  maxBody: 60,
  notFollowedBy: 'A-Za-z0-9_.-',
});
