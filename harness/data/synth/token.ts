/**
 * The token service, calibrated on the real file shared/lo2/real/token-correct.log (22,660 lines,
 * 4,324 requests in ≈52 s): request shapes and weights, failing shapes, cache-line mix and rate are
 * the real counts; line texts are the real texts with ids, codes and credentials drawn.
 */

import { bodyPrefix } from './format.ts';
import { kind } from './request.ts';
import { apiException, clientDeleteException, frame } from './status.ts';
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
} from './templates.ts';

export const TOKEN_HANDLER = 'com.networknt.oauth.token.handler.Oauth2TokenPostHandler';

/** Share of baseline ApiExceptions that print their stack (the real listing lost line breaks). */
const P_STACK = 0.3;

const VALIDATE = bodyPrefix('DEBUG', 'com.networknt.schema.TypeValidator', 'debug');
const H = TOKEN_HANDLER;

const post: Endpoint = {
  ...pathKinds('/oauth2/token'),
  V: kind(
    (r) => `${VALIDATE}validate( "Basic ${r.client.basic}", "Basic ${r.client.basic}", authorization)`,
    DELAY.fast,
  ),
  Hcc: debug(H, 'handleClientCredentials', 'scope = null'),
  Hac1: debug(H, 'handleAuthorizationCode', (r) => `code = ${r.code} redirectUri = ${REDIRECT_URI}`),
  Hac2: {
    ...debug(
      H,
      'handleAuthorizationCode',
      `variable from codeMap cache userId = admin redirectUri = ${REDIRECT_URI} scope = null userType = null roles = admin user remember = null`,
    ),
    delay: DELAY.codeMap,
  },
  Hrt: debug(H, 'handleRefreshToken', (r) => `refreshToken = ${r.token} scope = null`),
  J: {
    ...debug('com.networknt.security.JwtIssuer', 'getPrivateKey', 'filename = primary.jks key = selfsigned'),
    delay: DELAY.key,
  },
  C: configLoaded('primary.jks'),
  // Baseline failures of the correct case: wrong secret, used-up code, rotated refresh token.
  E7: apiException(
    H,
    'ERR12007',
    () => [],
    [frame(H, 'authenticateClient', 291), frame(H, 'handleClientCredentials', 129), frame(H, 'handleRequest', 87)],
    P_STACK,
  ),
  E8: apiException(
    H,
    'ERR12008',
    (r) => [r.code],
    [frame(H, 'handleAuthorizationCode', 178), frame(H, 'handleRequest', 89)],
    P_STACK,
  ),
  E29: apiException(
    H,
    'ERR12029',
    (r) => [r.token],
    [frame(H, 'handleRefreshToken', 259), frame(H, 'handleRequest', 93)],
    P_STACK,
  ),
};

/** Real shape counts: every shape seen ≥ 5 times among the 4,276 non-failing requests (91 %). */
const SHAPES: readonly (readonly [string, number])[] = [
  ['Pb Pp Pb V J', 1433],
  ['Pn Pn Pn Hcc C', 1212],
  ['Pb Pp Pb V C', 194],
  ['Pn Pn Pn Hac1 J', 185],
  ['Pn Pn Pn Hcc J', 184],
  ['Pb Pp Pb V Hac2 C', 166],
  ['Pn Pn Pn Hrt C', 82],
  ['Pn Pn Pn Hrt J', 39],
  ['Pn Pn Pn Hac1 Hac2 C', 32],
  ['Pb Pp Pb V', 31],
  ['Pb Pp Pb V J C', 29],
  ['Pn Pn Pn Hrt', 26],
  ['Pn Pn Pn Hcc', 23],
  ['Pb Pp Pb V Hac2', 21],
  ['Pn Pn Pn Hcc J C', 13],
  ['Pb Pp Pb Hcc C', 12],
  ['Pn Pn Pn C', 12],
  ['Pb Pp Pb V Hac2 J C', 11],
  ['Pn Pn Pn V J', 10],
  ['Pn Pn Pn Hac1 Hac2 J', 10],
  ['Pn Pn Pb V J', 10],
  ['Pb Pn Pb V J', 9],
  ['Pn Pn Pn J', 9],
  ['Pb Pn Pn Pn Hcc C', 9],
  ['Pn Pp Pn Hcc C', 8],
  ['Pp Pb V J', 7],
  ['Pn Pn Pn Hac1 C', 7],
  ['Pn Pn Pn Hac1 J C', 7],
  ['Pn Pn Hcc C', 7],
  ['Pn Pn Pn Hac1', 7],
  ['Pn Pn Pn Hac1 Hac2', 6],
  ['Pb Pn Pn Pn Hac1 J', 6],
  ['Pb Pp Pb J', 6],
  ['Pb Pn Pn Hcc C', 6],
  ['Pn Pn Pn Hrt J C', 6],
  ['Pn Pn Pb V C', 5],
  ['Pn Pn Hrt C', 5],
  ['Pb Pp Pb Pn V Hac2 C', 5],
  ['Pn Pn Pn V Hac1 J', 5],
  ['Pb Pp Pb V Hcc C', 5],
  ['Pb Pp Pb Hcc J', 5],
  ['Pb Pp Pn Pb V J', 5],
  ['Pn Pn Pn V C', 5],
  ['Pn Pn Hac1 J', 5],
  ['Pn Pn Pn V Hcc C', 5],
];

/** Real failing shapes (48 `ApiException`s of 4,324 requests), status code chosen by the handler line. */
const BASELINE_ERRORS: readonly (readonly [string, number])[] = [
  ['Pb Pp Pb V E7', 15],
  ['Pn Pn Pn Hrt E29', 8],
  ['Pn Pn Pn Hac1 E8', 7],
  ['Pb Pn Pb V E7', 2],
  ['Pb Pp Pb V Hac2 E8', 2],
  ['Pn Pn Pn Hac1 Hac2 E8', 1],
  ['Pb Pp Pb E7', 1],
  ['Pn Pn Pn E7', 1],
  ['Pn Pn Hrt E29', 1],
];

export const TOKEN: ServiceProfile = {
  service: 'token',
  rate: 4324 / 52,
  endpoints: { post },
  shapes: shapes(post, SHAPES),
  baselineErrors: shapes(post, BASELINE_ERRORS),
  baselineErrorRate: 48 / 4324,
  // Real counts; 13 of the 27 ClientMapStore deletes are followed by `delete - Exception:`.
  cache: [
    ...cacheMix([
      ['RefreshTokenMapStore', 'load', 119],
      ['ServiceMapStore', 'load', 107],
      ['UserMapStore', 'load', 98],
      ['UserMapStore', 'store', 72],
      ['RefreshTokenMapStore', 'store', 64],
      ['ClientMapStore', 'load', 46],
      ['ServiceMapStore', 'store', 44],
      ['RefreshTokenMapStore', 'delete', 43],
      ['ServiceMapStore', 'delete', 32],
      ['ServiceEndpointMapStore', 'delete', 29],
      ['UserMapStore', 'delete', 22],
      ['ClientMapStore', 'store', 19],
      ['ClientMapStore', 'delete', 14],
    ]),
    { kinds: [cacheLine('ClientMapStore', 'delete'), clientDeleteException], weight: 13, inserts: [] },
  ],
  cachePerRequest: 722 / 4324,
  handler: H,
};
