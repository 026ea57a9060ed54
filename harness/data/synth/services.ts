/**
 * Profiles of the services other than token. INVENTED: no real log of these services is available
 * here. They reuse the real building blocks (ApiNormalisedPath triples, TypeValidator, Config and
 * Hazelcast cache lines, the light-4j status lines) with the Light-OAuth2 handler classes and paths
 * of each service; rates, shapes and handler messages are plausible guesses, documented in SYNTH.md.
 */
import type { Service } from '../lo2/constants.ts';
import type { Req } from './request.ts';
import { apiException, clientDeleteException, frame, type StatusCode } from './status.ts';
import { TOKEN } from './token.ts';
import {
  type CacheStore,
  cacheLine,
  cacheMix,
  configLoaded,
  DELAY,
  debug,
  type Endpoint,
  pathKinds,
  REDIRECT_URI,
  type ServiceProfile,
  type Shape,
  shapes,
  validate,
} from './templates.ts';

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
  Hg: debug(CODE_GET, 'handleRequest', (r) => `clientId = ${r.client.id} responseType = code redirectUri = ${REDIRECT_URI}`),
  Hpk: debug(CODE_GET, 'handleRequest', (r) => `codeChallenge = ${r.challenge} codeChallengeMethod = S256`),
  Ha: debug(CODE_GET, 'authenticate', 'userId = admin authenticated with basic credentials'),
  Hr: { ...debug(CODE_GET, 'handleRequest', (r) => `redirectUri = ${REDIRECT_URI}?code=${r.code}`), delay: DELAY.key },
  zc: cacheLine('ClientMapStore', 'load'),
  E: apiException(CODE_GET, 'ERR12016', () => [], [frame(CODE_GET, 'authenticate', 131), frame(CODE_GET, 'handleRequest', 72)], P_STACK),
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

// ---- CRUD services (client, service, user, refresh-token) -----------------------------------------

interface Crud {
  service: Service;
  rate: number;
  /** Package segment under com.networknt.oauth. */
  pkg: string;
  /** Entity in the handler names, e.g. `Client` → Oauth2ClientClientIdGetHandler. */
  entity: string;
  base: string;
  idName: string;
  id: (r: Req) => string;
  /** Summary a post/put handler logs. */
  describe: (r: Req) => string;
  listFilter: string;
  store: CacheStore;
  notFound: StatusCode;
  /** Weights of list, get, post, put, delete requests. */
  mix: readonly [number, number, number, number, number];
  extraCache: readonly (readonly [CacheStore, 'load' | 'store' | 'delete', number])[];
}

function handlerName(c: Crud, kind: 'Get' | 'IdGet' | 'Post' | 'Put' | 'IdDelete'): string {
  const id = kind.startsWith('Id') ? `${c.entity}${c.idName[0]?.toUpperCase()}${c.idName.slice(1)}` : c.entity;
  return `com.networknt.oauth.${c.pkg}.handler.Oauth2${id}${kind.replace('Id', '')}Handler`;
}

/** List, get, post, put and delete endpoints with their shapes, baseline errors and cache mix. */
function crudProfile(c: Crud): ServiceProfile {
  const [list, get, post, put, del] = c.mix;
  const item = (r: Req) => `${c.base}/${c.id(r)}`;
  const H = {
    list: handlerName(c, 'Get'),
    get: handlerName(c, 'IdGet'),
    post: handlerName(c, 'Post'),
    put: handlerName(c, 'Put'),
    del: handlerName(c, 'IdDelete'),
  };
  const endpoints: Record<string, Endpoint> = {
    list: {
      ...pathKinds(c.base),
      Vpg: validate('page', '1'),
      Vps: validate('pageSize', '10'),
      Hl: debug(H.list, 'handleRequest', `page = 1 pageSize = 10 ${c.listFilter} = null`),
    },
    get: {
      ...pathKinds(item),
      Vid: validate(c.idName, c.id),
      Hg: debug(H.get, 'handleRequest', (r) => `${c.idName} = ${c.id(r)}`),
      zl: cacheLine(c.store, 'load', c.id),
      E: apiException(H.get, c.notFound, (r) => [c.id(r)], [frame(H.get, 'handleRequest', 46)], P_STACK),
    },
    post: {
      ...pathKinds(c.base),
      Hp: debug(H.post, 'handleRequest', (r) => c.describe(r)),
      zu: cacheLine('UserMapStore', 'load'),
      zs: cacheLine(c.store, 'store', c.id),
    },
    put: {
      ...pathKinds(c.base),
      Hu: debug(H.put, 'handleRequest', (r) => c.describe(r)),
      zu: cacheLine('UserMapStore', 'load'),
      zs: cacheLine(c.store, 'store', c.id),
    },
    delete: {
      ...pathKinds(item),
      Vid: validate(c.idName, c.id),
      Hd: debug(H.del, 'handleRequest', (r) => `${c.idName} = ${c.id(r)}`),
      zd: cacheLine(c.store, 'delete', c.id),
    },
  };
  const e = endpoints as Record<'list' | 'get' | 'post' | 'put' | 'delete', Endpoint>;
  const scaled = (rows: readonly (readonly [string, number])[], w: number) =>
    rows.map(([codes, weight]) => [codes, weight * w] as const).filter(([, weight]) => weight > 0);
  const cache: Shape[] = cacheMix([[c.store, 'load', 40], [c.store, 'store', 18], [c.store, 'delete', 8], ...c.extraCache]);
  if (c.store === 'ClientMapStore') {
    cache.push({ kinds: [cacheLine('ClientMapStore', 'delete'), clientDeleteException], weight: 4, inserts: [] });
  }
  return {
    service: c.service,
    rate: c.rate,
    endpoints,
    shapes: [
      ...shapes(e.list, scaled([['Pb Pp Pb Vpg Vps Hl', 2], ['Pn Pn Pn Vpg Hl', 1]], list)),
      ...shapes(e.get, scaled([['Pn Pn Pn Vid Hg zl', 2], ['Pb Pp Pb Vid Hg', 1]], get)),
      ...shapes(e.post, scaled([['Pn Pn Pn Hp zu zs', 2], ['Pb Pp Pb Hp zs', 1]], post)),
      ...shapes(e.put, scaled([['Pn Pn Pn Hu zs', 2], ['Pb Pp Pb Hu zu zs', 1]], put)),
      ...shapes(e.delete, scaled([['Pn Pn Pn Vid Hd zd', 2], ['Pn Pn Pn Hd zd', 1]], del)),
    ],
    baselineErrors: shapes(e.get, [['Pn Pn Pn Vid zl E', 2], ['Pb Pp Pb Vid E', 1]]),
    baselineErrorRate: 0.006,
    cache,
    cachePerRequest: 0.12,
    handler: H.get,
  };
}

const OWNER = 'ownerId = admin';

const CLIENT = crudProfile({
  service: 'client',
  rate: 24,
  pkg: 'client',
  entity: 'Client',
  base: '/oauth2/client',
  idName: 'clientId',
  id: (r) => r.client.id,
  describe: (r) => `clientId = ${r.client.id} clientType = public clientProfile = mobile ${OWNER}`,
  listFilter: 'clientName',
  store: 'ClientMapStore',
  notFound: 'ERR12014',
  mix: [6, 10, 8, 5, 6],
  extraCache: [['UserMapStore', 'load', 10], ['ServiceMapStore', 'load', 4]],
});

const SERVICE = crudProfile({
  service: 'service',
  rate: 20,
  pkg: 'service',
  entity: 'Service',
  base: '/oauth2/service',
  idName: 'serviceId',
  id: (r) => r.serviceId,
  describe: (r) => `serviceId = ${r.serviceId} serviceType = openapi scope = petstore.r petstore.w ${OWNER}`,
  listFilter: 'serviceId',
  store: 'ServiceMapStore',
  notFound: 'ERR12015',
  mix: [6, 10, 7, 5, 6],
  extraCache: [['ServiceEndpointMapStore', 'delete', 8], ['UserMapStore', 'load', 8]],
});

const USER_CRUD = crudProfile({
  service: 'user',
  rate: 24,
  pkg: 'user',
  entity: 'User',
  base: '/oauth2/user',
  idName: 'userId',
  id: (r) => r.userId,
  describe: (r) => `userId = ${r.userId} userType = customer email = ${r.userId}@networknt.com`,
  listFilter: 'userId',
  store: 'UserMapStore',
  notFound: 'ERR12013',
  mix: [5, 10, 8, 6, 5],
  extraCache: [],
});

export const PASSWORD_HANDLER = 'com.networknt.oauth.user.handler.Oauth2PasswordUserIdPostHandler';
const password: Endpoint = {
  ...pathKinds((r) => `/oauth2/password/${r.userId}`),
  Vid: validate('userId', (r) => r.userId),
  Hpw: debug(PASSWORD_HANDLER, 'handleRequest', (r) => `userId = ${r.userId} password and passwordConfirm match`),
  zl: cacheLine('UserMapStore', 'load'),
  zs: cacheLine('UserMapStore', 'store'),
};

const USER: ServiceProfile = {
  ...USER_CRUD,
  endpoints: { ...USER_CRUD.endpoints, password },
  shapes: [...USER_CRUD.shapes, ...shapes(password, [['Pn Pn Pn Vid Hpw zl zs', 6], ['Pb Pp Pb Hpw zs', 3]])],
};

const REFRESH_TOKEN = crudProfile({
  service: 'refresh-token',
  rate: 30,
  pkg: 'refreshtoken',
  entity: 'RefreshToken',
  base: '/oauth2/refresh_token',
  idName: 'refreshToken',
  id: (r) => r.token,
  describe: (r) => `refreshToken = ${r.token} userId = admin`,
  listFilter: 'userId',
  store: 'RefreshTokenMapStore',
  notFound: 'ERR12029',
  mix: [7, 12, 0, 0, 8],
  extraCache: [['UserMapStore', 'load', 6]],
});

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
