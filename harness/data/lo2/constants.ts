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
