/**
 * Profiles of the services other than token. INVENTED: no real log of these services is available
 * here. They reuse the real building blocks (ApiNormalisedPath triples, TypeValidator, Config and
 * Hazelcast cache lines, the light-4j status lines) with the Light-OAuth2 handler classes and paths
 * of each service; rates, shapes and handler messages are plausible guesses, documented in SYNTH.md.
 */
import type { Service } from '../lo2/constants.ts';
import { CLIENT, REFRESH_TOKEN, SERVICE, USER } from './crud.ts';
import { apiException, frame } from './status.ts';
import {
  cacheLine,
  cacheMix,
  configLoaded,
  DELAY,
  debug,
  type Endpoint,
  pathKinds,
  REDIRECT_URI,
  type ServiceProfile,
  shapes,
  validate,
} from './templates.ts';
import { TOKEN } from './token.ts';

export { PASSWORD_HANDLER } from './crud.ts';

const P_STACK = 0.3;

// ---- code ----------------------------------------------------------------------------------------

const CODE_GET = 'com.networknt.oauth.code.handler.Oauth2CodeGetHandler';
const CODE_POST = 'com.networknt.oauth.code.handler.Oauth2CodePostHandler';
const ADMIN_BASIC = Buffer.from('admin:123456').toString('base64');

const codeGet: Endpoint = {
  ...pathKinds('/oauth2/code'),
  Vrt: validate('response_type', 'code'),
  Vci: validate('client_id', (r) => r.client.id),
  Vau: validate('authorization', `Basic ${ADMIN_BASIC}`),
  Hg: debug(
    CODE_GET,
    'handleRequest',
    (r) => `clientId = ${r.client.id} responseType = code redirectUri = ${REDIRECT_URI}`,
  ),
  Hpk: debug(CODE_GET, 'handleRequest', (r) => `codeChallenge = ${r.challenge} codeChallengeMethod = S256`),
  Ha: debug(CODE_GET, 'authenticate', 'userId = admin authenticated with basic credentials'),
  Hr: { ...debug(CODE_GET, 'handleRequest', (r) => `redirectUri = ${REDIRECT_URI}?code=${r.code}`), delay: DELAY.key },
  zc: cacheLine('ClientMapStore', 'load'),
  E: apiException(
    CODE_GET,
    'ERR12016',
    () => [],
    [frame(CODE_GET, 'authenticate', 131), frame(CODE_GET, 'handleRequest', 72)],
    P_STACK,
  ),
};
const codePost: Endpoint = {
  ...pathKinds('/oauth2/code'),
  Hp: debug(CODE_POST, 'handleRequest', (r) => `j_username = admin client_id = ${r.client.id} response_type = code`),
  Ha: debug(CODE_POST, 'authenticate', 'userId = admin authenticated with form credentials'),
  Hr: { ...debug(CODE_POST, 'handleRequest', (r) => `redirectUri = ${REDIRECT_URI}?code=${r.code}`), delay: DELAY.key },
};

const CODE: ServiceProfile = {
  service: 'code',
  rate: 45,
  endpoints: { get: codeGet, post: codePost },
  shapes: [
    ...shapes(codeGet, [
      ['Pn Pn Pn Hg Ha Hr', 34],
      ['Pb Pp Pb Vrt Hg Hr', 24],
      ['Pn Pn Pn Hg Hpk Ha Hr', 12],
      ['Pb Pp Pb Vau Ha Hr', 9],
      ['Pn Pn Pn Hg Hr', 9],
      ['Pb Pp Pb Vrt Vci Hg', 4],
      ['Pn Pn Pn Hg zc Hr', 3],
      ['Pn Pn Pn Ha', 2],
    ]),
    ...shapes(codePost, [
      ['Pn Pn Pn Hp Ha Hr', 7],
      ['Pb Pp Pb Hp Hr', 3],
    ]),
  ],
  baselineErrors: shapes(codeGet, [
    ['Pb Pp Pb Vau E', 3],
    ['Pn Pn Pn Hg E', 2],
  ]),
  baselineErrorRate: 0.006,
  cache: cacheMix([
    ['ClientMapStore', 'load', 50],
    ['UserMapStore', 'load', 30],
    ['ServiceMapStore', 'load', 8],
  ]),
  cachePerRequest: 0.08,
  handler: CODE_GET,
};

// ---- key -------------------------------------------------------------------------------------------

const KEY_GET = 'com.networknt.oauth.key.handler.Oauth2KeyKeyIdGetHandler';
const keyGet: Endpoint = {
  ...pathKinds('/oauth2/key/100'),
  Vid: validate('keyId', '100'),
  V: validate('authorization', (r) => `Basic ${r.client.basic}`),
  Hk: debug(KEY_GET, 'handleRequest', 'keyId = 100'),
  C: configLoaded('primary.crt'),
  zc: cacheLine('ClientMapStore', 'load'),
  E: apiException(KEY_GET, 'ERR12007', () => [], [frame(KEY_GET, 'handleRequest', 71)], P_STACK),
};

const KEY: ServiceProfile = {
  service: 'key',
  rate: 12,
  endpoints: { get: keyGet },
  shapes: shapes(keyGet, [
    ['Pn Pn Pn V Hk C', 10],
    ['Pb Pp Pb Vid V Hk C', 6],
    ['Pn Pn Pn V zc Hk C', 2],
    ['Pn Pn Pn Hk', 1],
  ]),
  baselineErrors: shapes(keyGet, [['Pn Pn Pn V E', 1]]),
  baselineErrorRate: 0.005,
  cache: cacheMix([['ClientMapStore', 'load', 1]]),
  cachePerRequest: 0.05,
  handler: KEY_GET,
};

/** The profile of every service. */
export const PROFILES: Readonly<Record<Service, ServiceProfile>> = {
  client: CLIENT,
  code: CODE,
  key: KEY,
  'refresh-token': REFRESH_TOKEN,
  service: SERVICE,
  token: TOKEN,
  user: USER,
};
