import { prefixedToken } from '../support';

/**
 * Amazon Bedrock API keys: long-lived ones are `ABSK` + base64 of `BedrockAPIKey-…`, short-lived
 * ones `bedrock-api-key-` + base64 of a presigned `bedrock.amazonaws.com` URL.
 */
export const awsBedrockKey = prefixedToken({
  type: 'aws_bedrock_api_key',
  priority: 80,
  prefixes: ['ABSK', 'bedrock-api-key-'],
  body: 'QmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{60,280}={0,2}|YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{0,2000}={0,2}',
  maxBody: 2002,
  notFollowedBy: 'A-Za-z0-9+/=',
  validate: (token) => !token.startsWith('ABSK') || (token.length >= 100 && token.length <= 300),
});
