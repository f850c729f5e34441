import { principalFromAuthorizerContext } from '../auth/authorizer-context';
import type { GatewayRequest } from '../gateway/http';
import { payloadTooLarge } from '../shared/errors';

/** The parts of an API Gateway REST proxy event the gateway uses. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { authorizer?: Record<string, unknown> | null } | null;
}

/** Decodes the event into a GatewayRequest; the principal comes from the TOKEN authorizer's context. */
export function toGatewayRequest(event: ApiGatewayProxyEvent, maxBodyBytes: number, receivedAt: number): GatewayRequest {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(body) > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  const authorizer = event.requestContext?.authorizer;
  const principal = authorizer ? principalFromAuthorizerContext(authorizer) : undefined;
  return { method: event.httpMethod, path: event.path, query, headers, body, receivedAt, ...(principal ? { principal } : {}) };
}
