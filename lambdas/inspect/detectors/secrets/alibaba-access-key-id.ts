import { prefixedToken } from '../support';

/** Alibaba Cloud AccessKey ids. */
export const alibabaAccessKeyId = prefixedToken({
  type: 'alibaba_access_key_id',
  priority: 80,
  prefixes: ['LTAI'],
  body: '[A-Za-z0-9]{20}',
  maxBody: 20,
});
