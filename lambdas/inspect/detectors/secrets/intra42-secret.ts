import { prefixedToken } from '../support';

/** 42 Intra client secrets. */
export const intra42Secret = prefixedToken({
  type: 'intra42_client_secret',
  priority: 80,
  prefixes: ['s-s4t2ud-', 's-s4t2af-'],
  body: '[a-f0-9]{64}',
  maxBody: 64,
});
