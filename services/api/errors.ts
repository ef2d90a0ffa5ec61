// One error shape for every failure: {"error": {"code", "message"}}, plus
// "parameter" when one request parameter is to blame. One handler maps what
// Fastify, the plugins and the services throw onto it.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../db/db.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** 400 naming the parameter: "<name>: <problem>". */
export function badParameter(name: string, problem: string): ApiError {
  return new ApiError(400, 'invalid_parameter', `${name}: ${problem}`, name);
}

export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
  parentSchema?: { description?: string };
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? '' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Names the parameter an Ajv error is about and says what is wrong with it, plainly. */
export function describeValidationError(e: AjvError, part: string): { parameter: string; message: string } {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parameter =
    e.keyword === 'required' ? [...path, String(e.params.missingProperty)].join('.')
    : e.keyword === 'additionalProperties' ? [...path, String(e.params.additionalProperty)].join('.')
    : path.join('.') || part;
  const got = e.data !== undefined && e.keyword !== 'required' && e.keyword !== 'additionalProperties' ? ` (got ${shown(e.data)})` : '';
  let problem: string;
  switch (e.keyword) {
    case 'required':
      problem = 'is required';
      break;
    case 'additionalProperties':
      problem = part === 'body' ? 'is not a field of this request' : 'is not a parameter of this route';
      break;
    case 'enum':
      problem = `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
      break;
    case 'pattern':
    case 'format':
      problem = e.parentSchema?.description ? `must be ${e.parentSchema.description}` : (e.message ?? 'is malformed');
      break;
    default:
      problem = e.message ?? 'is invalid';
  }
  return { parameter, message: `${parameter}: ${problem}${got}` };
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (err instanceof ApiError) {
      status = err.statusCode;
      body = { error: { code: err.code, message: err.message, ...(err.parameter ? { parameter: err.parameter } : {}) } };
    } else if (err.validation && err.validation.length > 0) {
      const { parameter, message } = describeValidationError(err.validation[0] as unknown as AjvError, err.validationContext ?? 'request');
      status = 400;
      body = { error: { code: 'invalid_parameter', message, parameter } };
    } else if (isDatabaseUnavailable(err)) {
      status = 503;
      body = { error: { code: 'unavailable', message: 'the database is unavailable; try again shortly' } };
      request.log.error({ err }, 'database unavailable');
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      body = { error: { code: STATUS_CODES[status] ?? 'bad_request', message: err.message } };
    } else {
      status = 500;
      body = { error: { code: 'internal', message: 'internal error; it has been logged' } };
      request.log.error({ err }, 'request failed');
    }
    if (status === 503) reply.header('Retry-After', '5');
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } } satisfies ErrorBody);
  });
}
