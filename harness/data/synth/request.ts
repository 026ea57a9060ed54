/**
 * Request context and line kinds. A request is a list of {@link Kind}s; each kind renders one
 * line body from the request's values (client, ids, codes), which are drawn lazily and then kept,
 * so all lines of a request — and its cache lines — agree on them.
 */
import type { Rng } from './random.ts';

/** One kind of log line in a request shape. */
export interface Kind {
  /**
   * Renders `LEVEL logger method - message`, then exactly `extra` continuation lines (`\n...`):
   * the count is decided when the request is planned (`extraLines`), so that thinning can pick
   * physical lines before any line is rendered.
   */
  readonly body: (r: Req, extra: number) => string;
  /** Continuation lines this line will carry (drawn once, when the request is planned); none if absent. */
  readonly extraLines?: (rng: Rng) => number;
  /** Written by a Hazelcast partition thread (no cId) instead of the request's XNIO thread. */
  readonly hz: boolean;
  /** Milliseconds after the previous line of the request, drawn uniformly from [min, max]. */
  readonly delay: readonly [number, number];
  /** The line is an ERROR that creates a light-4j `Status` (triggers the lazy status.yml load). */
  readonly status: boolean;
}

export function kind(
  body: (r: Req, extra: number) => string,
  delay: readonly [number, number],
  hz = false,
  status = false,
  extraLines?: (rng: Rng) => number,
): Kind {
  return extraLines === undefined ? { body, hz, delay, status } : { body, hz, delay, status, extraLines };
}

/** A constant line body. */
export function fixed(text: string, delay: readonly [number, number]): Kind {
  return kind(() => text, delay);
}

export interface Client {
  readonly id: string;
  /** base64(`clientId:clientSecret`), as the Basic authorization header carries it. */
  readonly basic: string;
}

/**
 * Per-file pools of entities. Real traffic reuses a few hundred clients with a skewed popularity
 * (top credentials ≈ 3 % of requests), and cache ids repeat; pools reproduce that.
 */
export class EntityPool {
  readonly clients: Client[] = [];
  readonly users: string[] = [];
  readonly services: string[] = [];
  readonly #rng: Rng;
  readonly #recentTokens: string[] = [];

  constructor(rng: Rng, size: number) {
    this.#rng = rng;
    for (let i = 0; i < size; i++) {
      const id = rng.uuid();
      this.clients.push({ id, basic: Buffer.from(`${id}:${rng.cId()}`, 'latin1').toString('base64') });
    }
    const small = Math.max(4, Math.ceil(size / 3));
    for (let i = 0; i < small; i++) this.users.push(rng.hex(8));
    for (let i = 0; i < small; i++) this.services.push(rng.hex(8));
  }

  /** Zipf-like pick: index = floor(n · u²) favours the head of the list. */
  #skewed<T>(items: readonly T[]): T {
    const u = this.#rng.next();
    return items[Math.floor(items.length * u * u)] as T;
  }

  client(): Client {
    return this.#skewed(this.clients);
  }

  user(): string {
    return this.#skewed(this.users);
  }

  service(): string {
    return this.#skewed(this.services);
  }

  /** Refresh tokens: mostly fresh, sometimes one seen shortly before (store then load/delete). */
  token(): string {
    const recent = this.#recentTokens;
    if (recent.length > 0 && this.#rng.chance(0.3)) return this.#rng.pick(recent);
    const t = this.#rng.uuid();
    if (recent.length >= 16) recent.shift();
    recent.push(t);
    return t;
  }
}

/** Values of one request, drawn on first use. */
export class Req {
  readonly rng: Rng;
  readonly pool: EntityPool;
  #client: Client | undefined;
  #user: string | undefined;
  #service: string | undefined;
  #token: string | undefined;
  #code: string | undefined;
  #challenge: string | undefined;
  #unknownId: string | undefined;
  #unknownHex: string | undefined;
  #cId: string | undefined;

  constructor(rng: Rng, pool: EntityPool) {
    this.rng = rng;
    this.pool = pool;
  }

  /** The request's correlation id (a 22-char base64url id). */
  get cId(): string {
    this.#cId ??= this.rng.cId();
    return this.#cId;
  }

  get client(): Client {
    this.#client ??= this.pool.client();
    return this.#client;
  }

  get userId(): string {
    this.#user ??= this.pool.user();
    return this.#user;
  }

  get serviceId(): string {
    this.#service ??= this.pool.service();
    return this.#service;
  }

  get token(): string {
    this.#token ??= this.pool.token();
    return this.#token;
  }

  /** Authorization code: a 22-char base64url id, like a cId. */
  get code(): string {
    this.#code ??= this.rng.cId();
    return this.#code;
  }

  /** An id that exists nowhere (uuid): what the 404 test cases ask for. */
  get unknownId(): string {
    this.#unknownId ??= this.rng.uuid();
    return this.#unknownId;
  }

  /** An 8-hex user or service id that exists nowhere. */
  get unknownHex(): string {
    this.#unknownHex ??= this.rng.hex(8);
    return this.#unknownHex;
  }

  /** PKCE code challenge (S256: 43 base64url chars). */
  get challenge(): string {
    this.#challenge ??= this.rng.base64url(43);
    return this.#challenge;
  }
}
