/**
 * Start-up and first-use lines. INVENTED (the real files start after a 100-line trim): config
 * loads, singleton and handler registrations ("... registered for ..."), Hazelcast key loading,
 * and the lazy `status.yml` load at the first error status of a service's JVM (this one is real:
 * the two status.yml lines of the real file precede its first ApiException).
 *
 * Each run restarts the services, so these lines land in whichever test case runs first: always
 * `correct` in LO2 v1 (the leakage the harness must expose), a random case in v2-like order.
 */
import type { Service } from '../lo2/constants.ts';
import { bodyPrefix } from './format.ts';
import type { Rng } from './random.ts';
import { PROFILES } from './services.ts';
import { CONFIG } from './templates.ts';

/** Receives one line: time (ms from the case start), whether it is a Hazelcast line, body. */
export type Emit = (t: number, hz: boolean, body: string) => void;

const REGISTERED = bodyPrefix('INFO', 'com.networknt.service.SingletonServiceFactory', 'handleSingletonClass');
const HANDLER = bodyPrefix('INFO', 'com.networknt.handler.Handler', 'initHandlers');

const loaded = (file: string) => `${CONFIG}Config loaded from externalized folder for ${file} in /config`;
const notExternal = (file: string) => `${CONFIG}Unable to load config from externalized folder for ${file} in /config`;
const fromDefault = (file: string) => `${CONFIG}Config loaded from default folder for ${file}`;

/** The two lines of the lazy status.yml load, in order. */
export const STATUS_YML: readonly [string, string] = [notExternal('status.yml'), fromDefault('status.yml')];

const CONFIGS = [
  'server.yml',
  'service.yml',
  'handler.yml',
  'openapi.yml',
  'security.yml',
  'validator.yml',
  'body.yml',
  'correlation.yml',
  'audit.yml',
  'datasource.yml',
  'hz.yml',
];
const DEFAULT_ONLY = ['info.yml', 'health.yml', 'sanitizer.yml'];
const SINGLETONS: readonly (readonly [string, string])[] = [
  ['com.zaxxer.hikari.HikariDataSource', 'javax.sql.DataSource'],
  ['com.networknt.registry.support.DirectRegistry', 'com.networknt.registry.Registry'],
  ['com.networknt.balance.RoundRobinLoadBalance', 'com.networknt.balance.LoadBalance'],
  ['com.networknt.cluster.LightCluster', 'com.networknt.cluster.Cluster'],
  ['com.networknt.oauth.cache.CacheStartupHookProvider', 'com.networknt.server.StartupHookProvider'],
];
const MAP_STORES = [
  'ClientMapStore',
  'UserMapStore',
  'ServiceMapStore',
  'RefreshTokenMapStore',
  'ServiceEndpointMapStore',
];

/** Lines of the start-up block, in order (XNIO lines with `false`, Hazelcast lines with `true`). */
function blockLines(service: Service): (readonly [boolean, string])[] {
  const lines: (readonly [boolean, string])[] = [];
  for (const store of MAP_STORES) {
    lines.push([
      true,
      `${bodyPrefix('INFO', `com.networknt.oauth.cache.${store}`, 'loadAllKeys')}loadAllKeys is called`,
    ]);
  }
  for (const file of CONFIGS) lines.push([false, loaded(file)]);
  for (const [impl, iface] of SINGLETONS) lines.push([false, `${REGISTERED}${impl} registered for ${iface}`]);
  lines.push([false, `${HANDLER}${PROFILES[service].handler} registered for /oauth2/${service.replace('-', '_')}`]);
  for (const file of DEFAULT_ONLY) lines.push([false, notExternal(file)], [false, fromDefault(file)]);
  return lines;
}

/**
 * First-use lines that come later than the block (a few survive the loader's 100-line trim). Not
 * Config lines: those would merge with the real `primary.jks` Config template under Drain.
 */
function lazyLines(service: Service): string[] {
  const handler = PROFILES[service].handler;
  return [
    `${REGISTERED}${handler} registered for io.undertow.server.HttpHandler`,
    `${REGISTERED}com.networknt.oauth.cache.${service === 'token' ? 'RefreshToken' : 'Client'}MapStore registered for com.hazelcast.core.MapStore`,
    `${HANDLER}com.networknt.audit.AuditHandler registered for /oauth2/${service.replace('-', '_')}`,
  ];
}

/** Emits a start-up block of `count` lines over [0, spanMs), cycling through its lines. */
export function emitStartupBlock(service: Service, rng: Rng, count: number, spanMs: number, emit: Emit): void {
  const block = blockLines(service);
  const span = spanMs;
  const times = Array.from({ length: count }, () => rng.uniform(0, span)).sort((a, b) => a - b);
  for (let i = 0; i < count; i++) {
    const [hz, body] = block[i % block.length] as readonly [boolean, string];
    emit(times[i] as number, hz, body);
  }
}

/** Emits 2–3 lazy first-use lines between 8 % and 50 % of the case. */
export function emitLazyLines(service: Service, rng: Rng, durationMs: number, emit: Emit): void {
  const lazy = lazyLines(service);
  const n = rng.int(2, lazy.length);
  for (let i = 0; i < n; i++) emit(rng.uniform(0.08, 0.5) * durationMs, false, lazy[i] as string);
}
