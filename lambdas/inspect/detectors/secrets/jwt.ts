import { longToken } from './long-token';

const MAX_JWT = 8192;

/**
 * JSON Web Tokens (signed or unsigned): a base64url JSON header (`eyJ`), a payload and a signature.
 * Tokens can be long, so the stream masker holds one back only while it is still growing.
 */
export const jwt = longToken({
  type: 'jwt',
  anchor: 'eyJ',
  // Bounded so a match never reaches past MAX_JWT characters from the anchor.
  shape: /eyJ[A-Za-z0-9_-]{8,2000}={0,2}\.[A-Za-z0-9_-]{8,5000}={0,2}\.[A-Za-z0-9_\-+/]{0,1000}={0,2}/y,
  run: /[A-Za-z0-9_\-+/.=]*/y,
  max: MAX_JWT,
});
