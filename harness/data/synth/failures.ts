/**
 * Builders of failing requests for the error-case table in errors.ts: the lines a failing request
 * writes in the service it hits, ending with the ERROR line that carries the case's status.
 * Shapes are invented: shorter than a normal request (validation fails before the handler's later
 * lines), with the cache lookup of an unknown id where the handler would make one.
 */
import type { Service } from '../lo2/constants.ts';
import type { Kind, Req } from './request.ts';
import { PASSWORD_HANDLER, PROFILES } from './services.ts';
import { apiException, frame, type StatusArgs, type StatusCode, statusLine } from './status.ts';
import {
  type CacheStore,
  cacheLine,
  debug,
  type Endpoint,
  kindsOf,
  pathKinds,
  type Shape,
  validate,
} from './templates.ts';
import { TOKEN_HANDLER } from './token.ts';

/** Failing requests of one case in one service. */
export interface Failure {
  readonly service: Service;
  readonly shapes: readonly Shape[];
}

const VALIDATOR = frame('com.networknt.openapi.ValidatorHandler', 'handleRequest', 81);
const P_STACK = 0.7;

export function endpoint(service: Service, name: string): Endpoint {
  const e = PROFILES[service].endpoints[name];
  if (e === undefined) throw new Error(`synth errors: no endpoint '${name}' in ${service}`);
  return e;
}

export function shape(kinds: readonly Kind[], weight = 1): Shape {
  return { kinds, weight, inserts: kinds.slice(0, 1) };
}

/** A token failure, logged half of the time as a status line and half as an ApiException. */
export function token(
  prefix: string,
  code: StatusCode,
  args: StatusArgs,
  method: string,
  extra: readonly Kind[] = [],
): Failure {
  const pre = [...kindsOf(endpoint('token', 'post'), prefix), ...extra];
  const frames = [frame(TOKEN_HANDLER, method, 263), frame(TOKEN_HANDLER, 'handleRequest', 87)];
  return {
    service: 'token',
    shapes: [
      shape([...pre, statusLine(code, args, frames[0] as string)]),
      shape([...pre, apiException(TOKEN_HANDLER, code, args, frames, P_STACK)]),
    ],
  };
}

/** A failure from a named endpoint's lines plus extra lines, reported through setExchangeStatus. */
export function status(
  service: Service,
  ep: string,
  prefix: string,
  extra: readonly Kind[],
  code: StatusCode,
  args: StatusArgs,
  caller: string,
): Failure {
  const pre = prefix === '' ? [] : kindsOf(endpoint(service, ep), prefix);
  return { service, shapes: [shape([...pre, ...extra, statusLine(code, args, caller)])] };
}

/** OpenAPI validation failure (missing query parameter, bad enum, schema) before any handler line. */
export function invalid(
  service: Service,
  ep: string,
  code: StatusCode,
  args: readonly string[],
  extra: readonly Kind[] = [],
): Failure {
  const prefix = ep === 'list' || ep === 'post' || ep === 'put' ? 'Pb Pp Pb' : 'Pn Pn Pn';
  return status(service, ep, prefix, extra, code, () => args, VALIDATOR);
}

interface Entity {
  service: Service;
  base: string;
  idName: string;
  store: CacheStore;
  code: StatusCode;
  unknown: (r: Req) => string;
  handler: (op: 'IdGet' | 'IdDelete' | 'Put' | 'Post') => string;
}

function crud(
  service: Service,
  pkg: string,
  entity: string,
  base: string,
  idName: string,
  store: CacheStore,
  code: StatusCode,
  unknown: (r: Req) => string,
): Entity {
  const idPart = `${entity}${idName[0]?.toUpperCase()}${idName.slice(1)}`;
  return {
    service,
    base,
    idName,
    store,
    code,
    unknown,
    handler: (op) =>
      `com.networknt.oauth.${pkg}.handler.Oauth2${op.startsWith('Id') ? idPart : entity}${op.replace('Id', '')}Handler`,
  };
}

export const CLIENT = crud(
  'client',
  'client',
  'Client',
  '/oauth2/client',
  'clientId',
  'ClientMapStore',
  'ERR12014',
  (r) => r.unknownId,
);
export const SERVICE = crud(
  'service',
  'service',
  'Service',
  '/oauth2/service',
  'serviceId',
  'ServiceMapStore',
  'ERR12015',
  (r) => r.unknownHex,
);
export const USER = crud(
  'user',
  'user',
  'User',
  '/oauth2/user',
  'userId',
  'UserMapStore',
  'ERR12013',
  (r) => r.unknownHex,
);
export const TOKENS = crud(
  'refresh-token',
  'refreshtoken',
  'RefreshToken',
  '/oauth2/refresh_token',
  'refreshToken',
  'RefreshTokenMapStore',
  'ERR12029',
  (r) => r.unknownId,
);

/** GET/DELETE of an unknown id: path and validator with that id, the cache miss, then the 404. */
export function notFound(e: Entity, op: 'IdGet' | 'IdDelete'): Failure {
  const P = pathKinds((r) => `${e.base}/${e.unknown(r)}`);
  const kinds = [
    P['Pn'],
    P['Pn'],
    P['Pn'],
    validate(e.idName, e.unknown),
    cacheLine(e.store, 'load', e.unknown),
  ] as Kind[];
  const caller = frame(e.handler(op), 'handleRequest', op === 'IdGet' ? 46 : 52);
  return {
    service: e.service,
    shapes: [shape([...kinds, statusLine(e.code, (r) => [e.unknown(r)], caller)])],
  };
}

/** POST/PUT referring to an unknown entity of `missing` (owner user, client, service). */
export function unknownRef(e: Entity, op: 'Post' | 'Put', missing: Entity): Failure {
  const handler = e.handler(op);
  const summary = debug(
    handler,
    'handleRequest',
    (r) => `${e.idName} = ${missing === e ? e.unknown(r) : 'new'} ownerId = ${missing.unknown(r)}`,
  );
  const lookup = cacheLine(missing.store, 'load', missing.unknown);
  const caller = frame(handler, 'handleRequest', op === 'Post' ? 77 : 69);
  return status(
    e.service,
    op === 'Post' ? 'post' : 'put',
    'Pn Pn Pn',
    [summary, lookup],
    missing.code,
    (r) => [missing.unknown(r)],
    caller,
  );
}

/** User registration or password failure detected by the handler. */
export function userFailure(ep: 'post' | 'password', code: StatusCode, args: StatusArgs): Failure {
  const handler = ep === 'post' ? USER.handler('Post') : PASSWORD_HANDLER;
  const prefix = ep === 'post' ? 'Pn Pn Pn' : 'Pn Pn Pn Vid';
  return status(
    'user',
    ep,
    prefix,
    [cacheLine('UserMapStore', 'load')],
    code,
    args,
    frame(handler, 'handleRequest', 84),
  );
}

/** Password change for an unknown user: the cache miss, then USER_NOT_FOUND. */
export function passwordNotFound(): Failure {
  const P = pathKinds((r) => `/oauth2/password/${r.unknownHex}`);
  const kinds = [P['Pn'], P['Pn'], P['Pn'], cacheLine('UserMapStore', 'load', (r) => r.unknownHex)] as Kind[];
  const error = statusLine('ERR12013', (r) => [r.unknownHex], frame(PASSWORD_HANDLER, 'handleRequest', 61));
  return { service: 'user', shapes: [shape([...kinds, error])] };
}

const CODE_GET = 'com.networknt.oauth.code.handler.Oauth2CodeGetHandler';
export const codeGet = (prefix: string, extra: readonly Kind[], code: StatusCode, args: StatusArgs, line: number) =>
  status('code', 'get', prefix, extra, code, args, frame(CODE_GET, 'handleRequest', line));
export const enumError = (field: string, values: string) =>
  `$.${field}: does not have a value in the enumeration [${values}]`;
export const CLIENT_PROFILE = enumError('clientProfile', 'mobile, web, service, server, batch');
export const CLIENT_TYPE = enumError('clientType', 'public, confidential, trusted, external');
