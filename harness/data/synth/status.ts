/**
 * Error lines: light-4j status codes (status.yml of Light-OAuth2 and light-4j's validator), the two
 * ways a failing request logs them, and exception stacks that continue on lines without a timestamp.
 *
 * Codes, messages and descriptions follow the Light-OAuth2 documentation where it states them; the
 * exact descriptions of ERR12011–ERR12013, ERR12015, ERR12021, ERR12029, ERR12040/41 are invented
 * in the same style. Stack frames (classes, line numbers) are invented but plausible.
 */
import { bodyPrefix, statusJson } from './format.ts';
import { type Kind, kind, type Req } from './request.ts';
import { DELAY } from './templates.ts';

const STATUS = {
  ERR10010: [500, 'RUNTIME_EXCEPTION', 'Unexpected runtime exception'],
  ERR11000: [
    400,
    'VALIDATOR_REQUEST_PARAMETER_QUERY_MISSING',
    "Query parameter '%s' is required on path '%s' but not found in request.",
  ],
  ERR11002: [
    400,
    'VALIDATOR_REQUEST_PARAMETER_ENUM_INVALID',
    "Value '%s' for parameter '%s' is not allowed. Allowed values are <%s>.",
  ],
  ERR11004: [400, 'VALIDATOR_SCHEMA', 'Schema Validation Error - %s'],
  ERR12000: [400, 'UNABLE_TO_PARSE_FORM_DATA', 'Unable to parse x-www-form-urlencoded form data.'],
  ERR12001: [
    400,
    'UNSUPPORTED_GRANT_TYPE',
    'Unsupported grant type %s. Only authorization_code and client_credentials are supported.',
  ],
  ERR12002: [
    400,
    'MISSING_AUTHORIZATION_HEADER',
    'Missing authorization header. client credentials must be passed in as Authorization header.',
  ],
  ERR12003: [
    401,
    'INVALID_AUTHORIZATION_HEADER',
    'Invalid authorization header %s. Basic authentication with credentials is required.',
  ],
  ERR12004: [401, 'INVALID_BASIC_CREDENTIALS', 'Invalid Basic credentials %s.'],
  ERR12007: [401, 'UNAUTHORIZED_CLIENT', 'Unauthorized client with wrong client secret.'],
  ERR12008: [400, 'INVALID_AUTHORIZATION_CODE', 'Invalid authorization code %s.'],
  ERR12011: [400, 'PASSWORD_OR_PASSWORDCONFIRM_EMPTY', 'Password %s or PasswordConfirm %s is empty.'],
  ERR12012: [400, 'PASSWORD_PASSWORDCONFIRM_NOT_MATCH', 'Password %s and PasswordConfirm %s are not matched.'],
  ERR12013: [404, 'USER_NOT_FOUND', 'User %s is not found.'],
  ERR12014: [404, 'CLIENT_NOT_FOUND', 'Client %s is not found.'],
  ERR12015: [404, 'SERVICE_NOT_FOUND', 'Service %s is not found.'],
  ERR12016: [401, 'INCORRECT_PASSWORD', 'Incorrect password.'],
  ERR12020: [400, 'USER_ID_EXISTS', 'User id %s exists.'],
  ERR12021: [400, 'EMAIL_EXISTS', 'Email %s exists.'],
  ERR12029: [404, 'REFRESH_TOKEN_NOT_FOUND', 'Refresh token %s is not found.'],
  ERR12033: [400, 'INVALID_CODE_CHALLENGE_METHOD', 'Invalid PKCE code challenge method %s.'],
  ERR12034: [400, 'CODE_CHALLENGE_TOO_SHORT', 'PKCE codeChallenge length under lower limit, codeChallenge = %s'],
  ERR12035: [400, 'CODE_CHALLENGE_TOO_LONG', 'PKCE codeChallenge length over upper limit, codeChallenge = %s'],
  ERR12036: [400, 'INVALID_CODE_CHALLENGE_FORMAT', 'PKCE codeChallenge format is invalid, codeChallenge = %s'],
  ERR12037: [400, 'INVALID_CODE_VERIFIER_FORMAT', 'PKCE codeVerifier format is invalid, codeVerifier = %s'],
  ERR12038: [400, 'CODE_VERIFIER_TOO_SHORT', 'PKCE codeVerifier length under lower limit , codeVerifier = %s'],
  ERR12039: [400, 'CODE_VERIFIER_TOO_LONG', 'PKCE codeVerifier length over upper limit , codeVerifier = %s'],
  ERR12040: [400, 'CODE_VERIFIER_MISSING', 'PKCE codeVerifier is not specified'],
  ERR12041: [400, 'VERIFY_CODE_CHALLENGE_FAILED', 'PKCE verification failed'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type StatusCode = keyof typeof STATUS;

/** Arguments of a status description, drawn from the failing request. */
export type StatusArgs = (r: Req) => readonly string[];

/** The status JSON of `code` with its `%s` placeholders filled in order. */
export function renderStatus(code: StatusCode, args: readonly string[]): string {
  const [statusCode, message, description] = STATUS[code];
  const parts = description.split('%s');
  let text = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) text += (args[i - 1] ?? 'null') + parts[i];
  return statusJson(statusCode, code, message, text);
}

const LIGHT_HTTP_HANDLER = bodyPrefix('ERROR', 'com.networknt.handler.LightHttpHandler', 'setExchangeStatus');

/** `Class.method(Class.java:line)` as a stack frame / caller string. */
export function frame(fqcn: string, method: string, line: number): string {
  const simple = fqcn.slice(fqcn.lastIndexOf('.') + 1).replace(/\$.*/, '');
  return `${fqcn}.${method}(${simple}.java:${line})`;
}

/** Frames below a handler, down to the XNIO worker. */
const CHAIN = [
  frame('com.networknt.handler.Handler', 'next', 186),
  frame('com.networknt.audit.AuditHandler', 'handleRequest', 81),
  frame('com.networknt.handler.Handler', 'next', 186),
  frame('com.networknt.correlation.CorrelationHandler', 'handleRequest', 88),
  frame('com.networknt.handler.Handler', 'next', 186),
  frame('com.networknt.exception.ExceptionHandler', 'handleRequest', 62),
  frame('io.undertow.server.Connectors', 'executeRootHandler', 360),
  frame('io.undertow.server.HttpServerExchange$1', 'run', 830),
  frame('org.xnio.XnioWorker$TaskPool', 'run', 1116),
];

/**
 * LightHttpHandler's `setExchangeStatus`: one ERROR line with the status JSON and the caller,
 * `{"statusCode":404,...,"severity":"ERROR"} at com.networknt....handleRequest(X.java:57)`.
 */
export function statusLine(code: StatusCode, args: StatusArgs, caller: string): Kind {
  return kind((r) => `${LIGHT_HTTP_HANDLER}${renderStatus(code, args(r))} at ${caller}`, DELAY.error, false, true);
}

/**
 * `<handler> handleRequest - ApiException`, followed with probability `pStack` by the exception:
 * `com.networknt.exception.ApiException: {json}` and 3–`frames.length + 9` `\tat` frames.
 */
export function apiException(
  handler: string,
  code: StatusCode,
  args: StatusArgs,
  frames: readonly string[],
  pStack: number,
): Kind {
  const head = `${bodyPrefix('ERROR', handler, 'handleRequest')}ApiException`;
  const stack = [...frames, ...CHAIN].map((f) => `\n\tat ${f}`);
  return kind(
    (r, extra) =>
      extra === 0
        ? head
        : `${head}\ncom.networknt.exception.ApiException: ${renderStatus(code, args(r))}${stack.slice(0, extra - 1).join('')}`,
    DELAY.error,
    false,
    true,
    // The exception line, then 3 to all frames.
    (rng) => (rng.chance(pStack) ? 1 + rng.int(Math.min(3, stack.length), stack.length) : 0),
  );
}

const CLIENT_DELETE_FAILED = bodyPrefix('ERROR', 'com.networknt.oauth.cache.ClientMapStore', 'delete');
const FK_VIOLATION =
  '\njava.sql.SQLIntegrityConstraintViolationException: Cannot delete or update a parent row: a foreign key constraint fails ' +
  '(`oauth2`.`client_service`, CONSTRAINT `client_service_ibfk_1` FOREIGN KEY (`client_id`) REFERENCES `client` (`client_id`))';
const FK_FRAMES = [
  frame('com.mysql.cj.jdbc.exceptions.SQLError', 'createSQLException', 117),
  frame('com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping', 'translateException', 97),
  frame('com.mysql.cj.jdbc.ClientPreparedStatement', 'executeInternal', 953),
  frame('com.mysql.cj.jdbc.ClientPreparedStatement', 'executeUpdateInternal', 1098),
  frame('com.zaxxer.hikari.pool.HikariProxyPreparedStatement', 'executeUpdate', 61),
  frame('com.networknt.oauth.cache.ClientMapStore', 'delete', 73),
  frame('com.hazelcast.map.impl.MapStoreWrapper', 'delete', 114),
  frame('com.hazelcast.map.impl.mapstore.writethrough.WriteThroughStore', 'remove', 56),
].map((f) => `\n\tat ${f}`);

/**
 * `ClientMapStore delete - Exception:` on a Hazelcast thread (13 times in the real correct token
 * file); here followed half of the time by the SQL exception it logs.
 */
export const clientDeleteException: Kind = kind(
  (_r, extra) =>
    extra === 0
      ? `${CLIENT_DELETE_FAILED}Exception:`
      : `${CLIENT_DELETE_FAILED}Exception:${FK_VIOLATION}${FK_FRAMES.slice(0, extra - 1).join('')}`,
  DELAY.cache,
  true,
  false,
  // The SQL exception line, then 4 to all frames.
  (rng) => (rng.chance(0.5) ? 1 + rng.int(4, FK_FRAMES.length) : 0),
);
