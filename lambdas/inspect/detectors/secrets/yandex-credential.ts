import { entropyOver, prefixedToken } from '../support';

/** Yandex Cloud IAM tokens, API keys and static access keys. */
export const yandexCredential = prefixedToken({
  type: 'yandex_credential',
  priority: 80,
  prefixes: ['t1.', 'AQVN', 'YC'],
  body: '[A-Za-z0-9_-]{1,100}={0,2}\\.[A-Za-z0-9_-]{86}={0,2}|[A-Za-z0-9_-]{35,38}',
  maxBody: 200,
  notFollowedBy: 'A-Za-z0-9_-',
  validate: entropyOver(3.5),
});
