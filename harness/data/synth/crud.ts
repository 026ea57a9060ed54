/**
 * The CRUD services of Light-OAuth2 — client, service, user, refresh-token — built from one pattern:
 * list, get, post, put and delete endpoints with their handler classes and Hazelcast map stores.
 * INVENTED: no real log of these services is available here (see services.ts and SYNTH.md).
 */
import type { Service } from '../lo2/constants.ts';
import type { Req } from './request.ts';
import { apiException, clientDeleteException, frame, type StatusCode } from './status.ts';
import {
  type CacheStore,
  cacheLine,
  cacheMix,
  debug,
  type Endpoint,
  pathKinds,
  type ServiceProfile,
  type Shape,
  shapes,
  validate,
} from './templates.ts';

const P_STACK = 0.3;

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
  const cache: Shape[] = cacheMix([
    [c.store, 'load', 40],
    [c.store, 'store', 18],
    [c.store, 'delete', 8],
    ...c.extraCache,
  ]);
  if (c.store === 'ClientMapStore') {
    cache.push({ kinds: [cacheLine('ClientMapStore', 'delete'), clientDeleteException], weight: 4, inserts: [] });
  }
  return {
    service: c.service,
    rate: c.rate,
    endpoints,
    shapes: [
      ...shapes(
        e.list,
        scaled(
          [
            ['Pb Pp Pb Vpg Vps Hl', 2],
            ['Pn Pn Pn Vpg Hl', 1],
          ],
          list,
        ),
      ),
      ...shapes(
        e.get,
        scaled(
          [
            ['Pn Pn Pn Vid Hg zl', 2],
            ['Pb Pp Pb Vid Hg', 1],
          ],
          get,
        ),
      ),
      ...shapes(
        e.post,
        scaled(
          [
            ['Pn Pn Pn Hp zu zs', 2],
            ['Pb Pp Pb Hp zs', 1],
          ],
          post,
        ),
      ),
      ...shapes(
        e.put,
        scaled(
          [
            ['Pn Pn Pn Hu zs', 2],
            ['Pb Pp Pb Hu zu zs', 1],
          ],
          put,
        ),
      ),
      ...shapes(
        e.delete,
        scaled(
          [
            ['Pn Pn Pn Vid Hd zd', 2],
            ['Pn Pn Pn Hd zd', 1],
          ],
          del,
        ),
      ),
    ],
    baselineErrors: shapes(e.get, [
      ['Pn Pn Pn Vid zl E', 2],
      ['Pb Pp Pb Vid E', 1],
    ]),
    baselineErrorRate: 0.006,
    cache,
    cachePerRequest: 0.12,
    handler: H.get,
  };
}

const OWNER = 'ownerId = admin';

export const CLIENT = crudProfile({
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
  extraCache: [
    ['UserMapStore', 'load', 10],
    ['ServiceMapStore', 'load', 4],
  ],
});

export const SERVICE = crudProfile({
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
  extraCache: [
    ['ServiceEndpointMapStore', 'delete', 8],
    ['UserMapStore', 'load', 8],
  ],
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

export const USER: ServiceProfile = {
  ...USER_CRUD,
  endpoints: { ...USER_CRUD.endpoints, password },
  shapes: [
    ...USER_CRUD.shapes,
    ...shapes(password, [
      ['Pn Pn Pn Vid Hpw zl zs', 6],
      ['Pb Pp Pb Hpw zs', 3],
    ]),
  ],
};

export const REFRESH_TOKEN = crudProfile({
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
