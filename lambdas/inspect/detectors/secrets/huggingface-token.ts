import { entropyOver, prefixedToken } from '../support';

/** Hugging Face user and organization tokens. */
export const huggingfaceToken = prefixedToken({
  type: 'huggingface_token',
  priority: 80,
  prefixes: ['hf_', 'api_org_'],
  body: '[A-Za-z0-9]{30,40}',
  notFollowedBy: 'A-Za-z0-9_',
  maxBody: 40,
  validate: (token) => /[A-Z]/.test(token.slice(3)) && /[a-z]/.test(token.slice(3)) && entropyOver(3.5)(token),
});
