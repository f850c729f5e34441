import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ErrorType } from '../../lambdas/shared/errors';

/**
 * What API Gateway answers by itself (before or instead of the proxy function), rendered as the
 * same OpenAI error envelope the functions use. Messages are fixed text: gateway responses have
 * no escaping, so nothing request-controlled is placed in the JSON.
 */
interface GatewayError {
  id: string;
  type: ResponseType;
  /** Unset: API Gateway's own status for the error is kept (the DEFAULT_* catch-alls). */
  status?: string;
  errorType: ErrorType;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

export const GATEWAY_ERRORS: readonly GatewayError[] = [
  {
    id: 'Unauthorized',
    type: ResponseType.UNAUTHORIZED,
    status: '401',
    errorType: 'authentication_error',
    code: 'invalid_token',
    message: 'The bearer token is missing, malformed, expired or not trusted.',
    headers: { 'WWW-Authenticate': "'Bearer'" },
  },
  {
    id: 'AccessDenied',
    type: ResponseType.ACCESS_DENIED,
    status: '403',
    errorType: 'permission_error',
    code: 'forbidden',
    message: 'Your identity is not allowed to call this API.',
  },
  {
    id: 'MissingAuthenticationToken',
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '404',
    errorType: 'not_found_error',
    code: 'not_found',
    message: 'There is no such route (or it does not take this method). Caller routes start with /v1, e.g. POST /v1/chat/completions.',
  },
  {
    id: 'BadRequestBody',
    type: ResponseType.BAD_REQUEST_BODY,
    status: '400',
    errorType: 'invalid_request_error',
    code: 'invalid_request',
    message: 'The request body must be a JSON object.',
  },
  {
    id: 'RequestTooLarge',
    type: ResponseType.REQUEST_TOO_LARGE,
    status: '413',
    errorType: 'invalid_request_error',
    code: 'payload_too_large',
    message: 'The request is larger than the gateway accepts.',
  },
  {
    id: 'Throttled',
    type: ResponseType.THROTTLED,
    status: '429',
    errorType: 'rate_limit_error',
    code: 'rate_limited',
    message: 'Too many requests; retry later.',
  },
  {
    id: 'IntegrationTimeout',
    type: ResponseType.INTEGRATION_TIMEOUT,
    status: '504',
    errorType: 'upstream_error',
    code: 'upstream_error',
    message: 'The gateway did not answer in time.',
  },
  {
    id: 'Default4xx',
    type: ResponseType.DEFAULT_4XX,
    errorType: 'invalid_request_error',
    code: 'invalid_request',
    message: 'The request was refused by the gateway.',
  },
  {
    id: 'Default5xx',
    type: ResponseType.DEFAULT_5XX,
    errorType: 'server_error',
    code: 'internal_error',
    message: 'Airlock hit an internal error; the request was not forwarded.',
  },
];

export interface GatewayResponseOptions {
  /**
   * The RFC 9728 metadata URL put in the 401 challenge (`Bearer resource_metadata="…"`), so MCP
   * clients discover where to sign in. API Gateway answers 401 itself (the authorizer refused),
   * so the challenge must be in the gateway response, not only in the function's answers.
   */
  resourceMetadataUrl?: string;
}

export function addGatewayErrorResponses(api: RestApi, options: GatewayResponseOptions = {}): void {
  for (const e of GATEWAY_ERRORS) {
    const headers =
      e.type === ResponseType.UNAUTHORIZED && options.resourceMetadataUrl
        ? { ...e.headers, 'WWW-Authenticate': `'Bearer resource_metadata="${options.resourceMetadataUrl}"'` }
        : e.headers;
    api.addGatewayResponse(e.id, {
      type: e.type,
      ...(e.status ? { statusCode: e.status } : {}),
      responseHeaders: { 'Content-Type': "'application/json'", ...headers },
      templates: {
        'application/json': JSON.stringify({ error: { message: e.message, type: e.errorType, code: e.code, param: null } }),
      },
    });
  }
}
