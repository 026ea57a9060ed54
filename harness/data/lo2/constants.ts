/**
 * Fixed vocabulary of the LO2 dataset: services, test cases, file naming.
 * See ../shared/lo2/FORMAT.md for where these come from.
 */

/** The seven Light-OAuth2 services that write one log file per test case. */
export const SERVICES = ['client', 'code', 'key', 'refresh-token', 'service', 'token', 'user'] as const;
export type Service = (typeof SERVICES)[number];

/** Services the original tooling selects by default (strongest signal, the three OAuth2 flows). */
export const DEFAULT_SERVICES: readonly Service[] = ['code', 'token', 'refresh-token'];

/** The normal test case; every other test case is an error case (label anomaly = 1). */
export const CORRECT_CASE = 'correct';

/** The 53 error cases of LO2 v1, in the order of the dataset's documentation. */
export const ERROR_CASES = [
  'access_token_authorization_form_401',
  'access_token_auth_header_error_401',
  'access_token_client_id_not_found_404',
  'access_token_client_secret_wrong_401',
  'access_token_form_urlencoded_400',
  'access_token_illegal_grant_type_400',
  'access_token_missing_authorization_header_400',
  'authorization_code_client_id_missing_400',
  'authorization_code_invalid_client_id_404',
  'authorization_code_invalid_password_401',
  'authorization_code_missing_response_type_400',
  'authorization_code_response_not_code_400',
  'code_challenge_invalid_format_pkce_400',
  'code_challenge_too_long_pkce_400',
  'code_challenge_too_short_pkce_400',
  'code_verifier_missing_pkce_400',
  'code_verifier_too_long_pkce_400',
  'code_verifier_too_short_pkce_400',
  'invalid_code_challenge_method_pkce_400',
  'invalid_code_verifier_format_PKCE_400',
  'verification_failed_pkce_400',
  'delete_client_404_no_client',
  'delete_service_404_no_service',
  'delete_token_404',
  'delete_user_404_no_user',
  'get_client_404_no_client',
  'get_client_page_400_no_page',
  'get_service_404_no_service',
  'get_service_page_400_no_page',
  'get_token_404',
  'get_token_page_400_no_page',
  'get_user_404_no_user',
  'get_user_page_400_no_page',
  'register_client_400_clientProfile',
  'register_client_400_clientType',
  'register_client_404_no_user',
  'register_service_400_service_id',
  'register_service_400_service_type',
  'register_service_404_no_user',
  'register_user_400_email_exists',
  'register_user_400_no_password',
  'register_user_400_password_no_match',
  'register_user_400_user_exists',
  'update_client_400_clientProfile',
  'update_client_400_clientType',
  'update_client_404_clientId',
  'update_client_404_ownerId',
  'update_password_400_not_match',
  'update_password_401_wrong_password',
  'update_password_404_user_not_found',
  'update_service_404_service_id',
  'update_service_404_user_id',
  'update_user_404_no_user',
] as const;
export type ErrorCase = (typeof ERROR_CASES)[number];

/**
 * The service each error case's request is sent to (its target service), the request and the status
 * it expects, from the LO2 collection scripts (../shared/lo2/error-requests.md). The other services of
 * an error case log normal traffic.
 */
export const ERROR_REQUESTS: Readonly<
  Record<ErrorCase, { readonly target: Service; readonly request: string; readonly status: number }>
> = {
  access_token_auth_header_error_401: { target: 'token', request: 'POST /oauth2/token', status: 401 },
  access_token_authorization_form_401: { target: 'token', request: 'POST /oauth2/token', status: 401 },
  access_token_client_id_not_found_404: { target: 'token', request: 'POST /oauth2/token', status: 404 },
  access_token_client_secret_wrong_401: { target: 'token', request: 'POST /oauth2/token', status: 401 },
  access_token_form_urlencoded_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  access_token_illegal_grant_type_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  access_token_missing_authorization_header_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  authorization_code_client_id_missing_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  authorization_code_invalid_client_id_404: { target: 'code', request: 'GET /oauth2/code', status: 404 },
  authorization_code_invalid_password_401: { target: 'code', request: 'GET /oauth2/code', status: 401 },
  authorization_code_missing_response_type_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  authorization_code_response_not_code_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  code_challenge_invalid_format_pkce_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  code_challenge_too_long_pkce_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  code_challenge_too_short_pkce_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  code_verifier_missing_pkce_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  code_verifier_too_long_pkce_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  code_verifier_too_short_pkce_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  delete_client_404_no_client: { target: 'client', request: 'DELETE /oauth2/client/not_a_client_id', status: 404 },
  delete_service_404_no_service: { target: 'service', request: 'DELETE /oauth2/service/not_service_id', status: 404 },
  delete_token_404: { target: 'refresh-token', request: 'DELETE /oauth2/refresh_token/AAAAAA', status: 404 },
  delete_user_404_no_user: { target: 'user', request: 'DELETE /oauth2/user/none', status: 404 },
  get_client_404_no_client: { target: 'client', request: 'GET /oauth2/client/none', status: 404 },
  get_client_page_400_no_page: { target: 'client', request: 'GET /oauth2/client', status: 400 },
  get_service_404_no_service: { target: 'service', request: 'GET /oauth2/service/none', status: 404 },
  get_service_page_400_no_page: { target: 'service', request: 'GET /oauth2/service', status: 400 },
  get_token_404: { target: 'refresh-token', request: 'GET /oauth2/refresh_token/AAAAAA', status: 404 },
  get_token_page_400_no_page: { target: 'refresh-token', request: 'GET /oauth2/refresh_token', status: 400 },
  get_user_404_no_user: { target: 'user', request: 'GET /oauth2/user/none', status: 404 },
  get_user_page_400_no_page: { target: 'user', request: 'GET /oauth2/user', status: 400 },
  invalid_code_challenge_method_pkce_400: { target: 'code', request: 'GET /oauth2/code', status: 400 },
  invalid_code_verifier_format_PKCE_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
  register_client_400_clientProfile: { target: 'client', request: 'POST /oauth2/client', status: 400 },
  register_client_400_clientType: { target: 'client', request: 'POST /oauth2/client', status: 400 },
  register_client_404_no_user: { target: 'client', request: 'POST /oauth2/client', status: 404 },
  register_service_400_service_id: { target: 'service', request: 'POST /oauth2/service', status: 400 },
  register_service_400_service_type: { target: 'service', request: 'POST /oauth2/service', status: 400 },
  register_service_404_no_user: { target: 'service', request: 'POST /oauth2/service', status: 404 },
  register_user_400_email_exists: { target: 'user', request: 'POST /oauth2/user', status: 400 },
  register_user_400_no_password: { target: 'user', request: 'POST /oauth2/user', status: 400 },
  register_user_400_password_no_match: { target: 'user', request: 'POST /oauth2/user', status: 400 },
  register_user_400_user_exists: { target: 'user', request: 'POST /oauth2/user', status: 400 },
  update_client_400_clientProfile: { target: 'client', request: 'PUT /oauth2/client', status: 400 },
  update_client_400_clientType: { target: 'client', request: 'PUT /oauth2/client', status: 400 },
  update_client_404_clientId: { target: 'client', request: 'PUT /oauth2/client', status: 404 },
  update_client_404_ownerId: { target: 'client', request: 'PUT /oauth2/client', status: 404 },
  update_password_400_not_match: { target: 'user', request: 'POST /oauth2/password/{user.userId}', status: 400 },
  update_password_401_wrong_password: { target: 'user', request: 'POST /oauth2/password/{user.userId}', status: 401 },
  update_password_404_user_not_found: { target: 'user', request: 'POST /oauth2/password/none', status: 404 },
  update_service_404_service_id: { target: 'service', request: 'PUT /oauth2/service', status: 404 },
  update_service_404_user_id: { target: 'service', request: 'PUT /oauth2/service', status: 404 },
  update_user_404_no_user: { target: 'user', request: 'PUT /oauth2/user', status: 404 },
  verification_failed_pkce_400: { target: 'token', request: 'POST /oauth2/token', status: 400 },
};

/** The target service of a test case; null for `correct` and for names that are not one of the 53 cases. */
export function targetService(testCase: string): Service | null {
  return Object.hasOwn(ERROR_REQUESTS, testCase) ? ERROR_REQUESTS[testCase as ErrorCase].target : null;
}

/** `light-oauth2-oauth2-<svc>-1.log`, `oauth2-<svc>.log` and `.gz` variants all name a service log. */
export const SERVICE_FILE_PATTERN = /oauth2-(client|code|key|refresh-token|service|token|user)(?:-\d+)?\.log(?:\.gz)?$/;

/** The file name the v1 layout uses for a service's log. */
export function serviceLogFileName(service: Service): string {
  return `light-oauth2-oauth2-${service}-1.log`;
}

/** The directory name the v1 layout uses for a run starting at `epochSec`. */
export function runDirName(epochSec: number): string {
  return `light-oauth2-data-${epochSec}`;
}

export function isService(name: string): name is Service {
  return (SERVICES as readonly string[]).includes(name);
}

/**
 * Ground truth of a generated tree. Its root holds this manifest (`{ "format": "lo2-bench-truth/1",
 * "faults": "injected" | "none" }`); beside every log file `X.log` lies `X.log.faults`: the 1-based
 * numbers of the file's physical lines the injected fault caused, one per line, ascending (empty when
 * none). Real LO2 trees have neither: their events carry no truth.
 */
export const TRUTH_MANIFEST = 'lo2-truth.json';
export const TRUTH_FORMAT = 'lo2-bench-truth/1';

/** The fault-lines file of a log file (`x.log` and `x.log.gz` both → `x.log.faults`). */
export function faultLinesFileOf(logPath: string): string {
  return `${logPath.replace(/\.gz$/, '')}.faults`;
}

/** Run folder names of the public LO2 v2 archive (`oauth2_logs_LO2_run_<epoch>`). */
export function v2RunDirName(epochSec: number): string {
  return `oauth2_logs_LO2_run_${epochSec}`;
}

/** The empty folder the v2 archive holds beside its runs. */
export const V2_PRERUN_FOLDER = 'prerun results';
