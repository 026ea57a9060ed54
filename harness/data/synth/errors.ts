/**
 * What each of the 53 error cases does to the logs: which services it affects, and the shape of a
 * failing request there (its lines, ending with the ERROR line that carries the case's status).
 *
 * Mapping from FORMAT.md's table (derived from the Light-OAuth2 source); the failing shapes are
 * invented: shorter than a normal request (validation fails before the handler's later lines), with
 * the cache lookup of an unknown id where the handler would make one. Each case fails in its target
 * service only (../shared/lo2/error-requests.md: the error task changes no other service's traffic).
 */
import type { ErrorCase, Service } from '../lo2/constants.ts';
import {
  CLIENT,
  CLIENT_PROFILE,
  CLIENT_TYPE,
  codeGet,
  enumError,
  type Failure,
  invalid,
  notFound,
  passwordNotFound,
  SERVICE,
  TOKENS,
  token,
  USER,
  unknownRef,
  userFailure,
} from './failures.ts';
import { cacheLine, validate } from './templates.ts';

export type { Failure } from './failures.ts';

/** The failing request of each error case, in its target service. */
export const CASE_FAILURES: Readonly<Record<ErrorCase, readonly Failure[]>> = {
  access_token_authorization_form_401: [token('Pb Pp Pb V', 'ERR12004', (r) => [r.client.id], 'authenticateClient')],
  access_token_auth_header_error_401: [
    token('Pb Pp Pb', 'ERR12003', (r) => [`Bearer ${r.code}`], 'authenticateClient', [
      validate('authorization', (r) => `Bearer ${r.code}`),
    ]),
  ],
  access_token_client_id_not_found_404: [
    token('Pb Pp Pb V', 'ERR12014', (r) => [r.unknownId], 'authenticateClient', [
      cacheLine('ClientMapStore', 'load', (r) => r.unknownId),
    ]),
  ],
  access_token_client_secret_wrong_401: [
    token('Pb Pp Pb V', 'ERR12007', () => [], 'authenticateClient', [cacheLine('ClientMapStore', 'load')]),
  ],
  access_token_form_urlencoded_400: [token('Pn Pn Pn', 'ERR12000', () => [], 'handleRequest')],
  access_token_illegal_grant_type_400: [token('Pb Pp Pb V', 'ERR12001', () => ['illegal_grant'], 'handleRequest')],
  access_token_missing_authorization_header_400: [token('Pn Pn Pn', 'ERR12002', () => [], 'authenticateClient')],
  authorization_code_client_id_missing_400: [
    invalid('code', 'get', 'ERR11000', ['client_id', '/oauth2/code'], [validate('response_type', 'code')]),
  ],
  authorization_code_invalid_client_id_404: [
    codeGet(
      'Pn Pn Pn',
      [cacheLine('ClientMapStore', 'load', (r) => r.unknownId)],
      'ERR12014',
      (r) => [r.unknownId],
      64,
    ),
  ],
  authorization_code_invalid_password_401: [codeGet('Pb Pp Pb Vau', [], 'ERR12016', () => [], 131)],
  authorization_code_missing_response_type_400: [invalid('code', 'get', 'ERR11000', ['response_type', '/oauth2/code'])],
  authorization_code_response_not_code_400: [
    invalid('code', 'get', 'ERR11002', ['token', 'response_type', 'code'], [validate('response_type', 'token')]),
  ],
  code_challenge_invalid_format_pkce_400: [
    codeGet('Pn Pn Pn Hg', [], 'ERR12036', (r) => [`${r.challenge.slice(0, 40)}%+!`], 98),
  ],
  code_challenge_too_long_pkce_400: [
    codeGet('Pn Pn Pn Hg', [], 'ERR12035', (r) => [r.challenge + r.challenge + r.challenge], 95),
  ],
  code_challenge_too_short_pkce_400: [codeGet('Pn Pn Pn Hg', [], 'ERR12034', (r) => [r.challenge.slice(0, 20)], 92)],
  code_verifier_missing_pkce_400: [token('Pn Pn Pn Hac1', 'ERR12040', () => [], 'handleAuthorizationCode')],
  code_verifier_too_long_pkce_400: [
    token('Pn Pn Pn Hac1', 'ERR12039', (r) => [r.challenge + r.challenge + r.challenge], 'handleAuthorizationCode'),
  ],
  code_verifier_too_short_pkce_400: [
    token('Pn Pn Pn Hac1', 'ERR12038', (r) => [r.challenge.slice(0, 20)], 'handleAuthorizationCode'),
  ],
  invalid_code_challenge_method_pkce_400: [codeGet('Pn Pn Pn Hg', [], 'ERR12033', () => ['S512'], 89)],
  invalid_code_verifier_format_PKCE_400: [
    token('Pn Pn Pn Hac1', 'ERR12037', (r) => [`${r.challenge.slice(0, 40)}%+!`], 'handleAuthorizationCode'),
  ],
  verification_failed_pkce_400: [token('Pn Pn Pn Hac1', 'ERR12041', () => [], 'handleAuthorizationCode')],
  delete_client_404_no_client: [notFound(CLIENT, 'IdDelete')],
  delete_service_404_no_service: [notFound(SERVICE, 'IdDelete')],
  delete_token_404: [notFound(TOKENS, 'IdDelete')],
  delete_user_404_no_user: [notFound(USER, 'IdDelete')],
  get_client_404_no_client: [notFound(CLIENT, 'IdGet')],
  get_client_page_400_no_page: [invalid('client', 'list', 'ERR11000', ['page', '/oauth2/client'])],
  get_service_404_no_service: [notFound(SERVICE, 'IdGet')],
  get_service_page_400_no_page: [invalid('service', 'list', 'ERR11000', ['page', '/oauth2/service'])],
  get_token_404: [notFound(TOKENS, 'IdGet')],
  get_token_page_400_no_page: [invalid('refresh-token', 'list', 'ERR11000', ['page', '/oauth2/refresh_token'])],
  get_user_404_no_user: [notFound(USER, 'IdGet')],
  get_user_page_400_no_page: [invalid('user', 'list', 'ERR11000', ['page', '/oauth2/user'])],
  register_client_400_clientProfile: [invalid('client', 'post', 'ERR11004', [CLIENT_PROFILE])],
  register_client_400_clientType: [invalid('client', 'post', 'ERR11004', [CLIENT_TYPE])],
  register_client_404_no_user: [unknownRef(CLIENT, 'Post', USER)],
  register_service_400_service_id: [
    invalid('service', 'post', 'ERR11004', ['$.serviceId: is missing but it is required']),
  ],
  register_service_400_service_type: [
    invalid('service', 'post', 'ERR11004', [enumError('serviceType', 'swagger, openapi, graphql, hybrid')]),
  ],
  register_service_404_no_user: [unknownRef(SERVICE, 'Post', USER)],
  register_user_400_email_exists: [userFailure('post', 'ERR12021', (r) => [`${r.userId}@networknt.com`])],
  register_user_400_no_password: [userFailure('post', 'ERR12011', () => ['null', 'null'])],
  register_user_400_password_no_match: [userFailure('post', 'ERR12012', () => ['123456', '1234567'])],
  register_user_400_user_exists: [userFailure('post', 'ERR12020', (r) => [r.userId])],
  update_client_400_clientProfile: [invalid('client', 'put', 'ERR11004', [CLIENT_PROFILE])],
  update_client_400_clientType: [invalid('client', 'put', 'ERR11004', [CLIENT_TYPE])],
  update_client_404_clientId: [unknownRef(CLIENT, 'Put', CLIENT)],
  update_client_404_ownerId: [unknownRef(CLIENT, 'Put', USER)],
  update_password_400_not_match: [userFailure('password', 'ERR12012', () => ['123456', '1234567'])],
  update_password_401_wrong_password: [userFailure('password', 'ERR12016', () => [])],
  update_password_404_user_not_found: [passwordNotFound()],
  update_service_404_service_id: [unknownRef(SERVICE, 'Put', SERVICE)],
  update_service_404_user_id: [unknownRef(SERVICE, 'Put', USER)],
  update_user_404_no_user: [unknownRef(USER, 'Put', USER)],
};

/** The service an error case's failing requests are written to (its target service). */
export function faultService(errorCase: ErrorCase): Service {
  return (CASE_FAILURES[errorCase][0] as Failure).service;
}
