import { longToken } from './long-token';

/** JWTs that were base64-encoded once more (Kubernetes secrets, env files): they start `ZXlK`. */
export const jwtBase64 = longToken({
  id: 'jwt_base64',
  type: 'jwt',
  anchor: 'ZXlK',
  shape: /ZXlK[A-Za-z0-9+/_-]{40,11990}={0,2}/y,
  run: /[A-Za-z0-9+/_=-]*/y,
  max: 12_000,
});
