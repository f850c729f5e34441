import { prefixedToken } from '../support';

/** 42 Intra client secrets (`s-s4t2ud-` / `s-s4t2af-` + 64 hex). One shared anchor keeps the search to one pass. */
export const intra42Secret = prefixedToken({
  type: 'intra42_client_secret',
  priority: 80,
  prefixes: ['s-s4t2'],
  body: '(?:ud|af)-[a-f0-9]{64}',
  maxBody: 67,
});
