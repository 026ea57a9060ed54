/**
 * Building blocks of request shapes shared by all services: the ApiNormalisedPath, TypeValidator,
 * Config and handler lines, Hazelcast cache lines, and the profile type every service fills in
 * (token.ts is calibrated on the real file; services.ts holds the invented ones).
 */
import type { Service } from '../lo2/constants.ts';
import { bodyPrefix } from './format.ts';
import { fixed, type Kind, kind, type Req } from './request.ts';

/** A request shape: its lines in order, its weight, and the lines a perturbation may insert. */
export interface Shape {
  readonly kinds: readonly Kind[];
  readonly weight: number;
  readonly inserts: readonly Kind[];
}

/** The line kinds of one endpoint, by short code (`Pn`, `Pb`, `Pp` are always there). */
export type Endpoint = Readonly<Record<string, Kind>>;

export interface ServiceProfile {
  readonly service: Service;
  /** Requests per second at full (unscaled) load. Token: ≈83 in the real file. */
  readonly rate: number;
  readonly endpoints: Readonly<Record<string, Endpoint>>;
  /** Normal request shapes. */
  readonly shapes: readonly Shape[];
  /** Shapes of the few failing requests every test case has (the real correct file: ≈1 %). */
  readonly baselineErrors: readonly Shape[];
  /** Fraction of requests that take a baseline error shape, before per-file variation. */
  readonly baselineErrorRate: number;
  /** Background Hazelcast cache lines, with weights. */
  readonly cache: readonly Shape[];
  /** Cache lines per request. Token: 735 / 4,324 in the real file. */
  readonly cachePerRequest: number;
  /** Handler logger (fully qualified) that reports `handleRequest - ApiException`. */
  readonly handler: string;
}

/** Delay ranges (ms after the previous line of the request), measured on the real file. */
export const DELAY = {
  fast: [0, 1.6],
  handler: [0, 1.8],
  key: [4, 12],
  config: [0, 11],
  codeMap: [5, 12],
  error: [5, 15],
  cache: [1, 20],
} as const satisfies Record<string, readonly [number, number]>;

export const REDIRECT_URI = 'http://localhost:8080/authorization';

const PATH = bodyPrefix('DEBUG', 'com.networknt.openapi.ApiNormalisedPath', '<init>');
const VALIDATE = bodyPrefix('DEBUG', 'com.networknt.schema.TypeValidator', 'debug');
export const CONFIG = bodyPrefix('INFO', 'com.networknt.config.Config', 'getConfigStream');

/** The three ApiNormalisedPath lines of a request path (constant or drawn per request). */
export function pathKinds(path: string | ((r: Req) => string)): Endpoint {
  if (typeof path === 'string') {
    return {
      Pn: fixed(`${PATH}normalised = ${path}`, DELAY.fast),
      Pb: fixed(`${PATH}path = ${path}, base path is set to: null`, DELAY.fast),
      Pp: fixed(`${PATH}path =${path}`, DELAY.fast),
    };
  }
  return {
    Pn: kind((r) => `${PATH}normalised = ${path(r)}`, DELAY.fast),
    Pb: kind((r) => `${PATH}path = ${path(r)}, base path is set to: null`, DELAY.fast),
    Pp: kind((r) => `${PATH}path =${path(r)}`, DELAY.fast),
  };
}

/** `TypeValidator debug - validate( "v", "v", name)` for a request parameter. */
export function validate(name: string, value: string | ((r: Req) => string)): Kind {
  if (typeof value === 'string') return fixed(`${VALIDATE}validate( "${value}", "${value}", ${name})`, DELAY.fast);
  return kind((r) => {
    const v = value(r);
    return `${VALIDATE}validate( "${v}", "${v}", ${name})`;
  }, DELAY.fast);
}

/** `Config loaded from externalized folder for <file> in /config`. */
export function configLoaded(file: string, delay: readonly [number, number] = DELAY.config): Kind {
  return fixed(`${CONFIG}Config loaded from externalized folder for ${file} in /config`, delay);
}

/** A handler DEBUG line `<handler> <method> - <message>`. */
export function debug(fqcn: string, method: string, message: string | ((r: Req) => string)): Kind {
  const prefix = bodyPrefix('DEBUG', fqcn, method);
  if (typeof message === 'string') return fixed(prefix + message, DELAY.handler);
  return kind((r) => prefix + message(r), DELAY.handler);
}

/** Builds shapes from `[codes, weight]` rows against an endpoint's kinds. */
export function shapes(endpoint: Endpoint, rows: readonly (readonly [string, number])[]): Shape[] {
  const inserts = [endpoint['Pn'], endpoint['Pb'], endpoint['Pp']].filter((k): k is Kind => k !== undefined);
  return rows.map(([codes, weight]) => ({ kinds: kindsOf(endpoint, codes), weight, inserts }));
}

/** The kinds named by space-separated codes; throws on a typo (at module load). */
export function kindsOf(endpoint: Endpoint, codes: string): Kind[] {
  return codes.split(' ').map((code) => {
    const k = endpoint[code];
    if (k === undefined) throw new Error(`synth templates: unknown line code '${code}'`);
    return k;
  });
}

// ---- Hazelcast cache lines ---------------------------------------------------------------------

export type CacheOp = 'load' | 'store' | 'delete';
export type CacheStore =
  | 'ClientMapStore'
  | 'RefreshTokenMapStore'
  | 'ServiceMapStore'
  | 'UserMapStore'
  | 'ServiceEndpointMapStore';
const CACHE_OP = { load: 'Load', store: 'Store', delete: 'Delete' } as const;
const CACHE_ID: Readonly<Record<CacheStore, (r: Req) => string>> = {
  ClientMapStore: (r) => r.client.id,
  RefreshTokenMapStore: (r) => r.token,
  ServiceMapStore: (r) => r.serviceId,
  UserMapStore: (r) => r.userId,
  ServiceEndpointMapStore: (r) => r.serviceId,
};

/** `c.n.oauth.cache.<Store> <op> - <Op>:<id>` on a Hazelcast thread; `id` overrides the store's id. */
export function cacheLine(store: CacheStore, op: CacheOp, id?: (r: Req) => string): Kind {
  const prefix = `${bodyPrefix('DEBUG', `com.networknt.oauth.cache.${store}`, op)}${CACHE_OP[op]}:`;
  const idOf = id ?? CACHE_ID[store];
  return kind((r) => prefix + idOf(r), DELAY.cache, true);
}

/** Cache-line mix from `[store, op, weight]` rows. */
export function cacheMix(rows: readonly (readonly [CacheStore, CacheOp, number])[]): Shape[] {
  return rows.map(([store, op, weight]) => ({ kinds: [cacheLine(store, op)], weight, inserts: [] }));
}
