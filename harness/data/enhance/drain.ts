/**
 * Drain online log-template mining (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth
 * Tree", ICWS 2017), with the semantics of the Python Drain3 library (`drain3/drain.py`, `Drain` class,
 * `parametrize_numeric_tokens=True`, no extra delimiters). Masking is the caller's job.
 *
 * Known deviations from Drain3, all deliberate:
 * - digit test is ASCII `0-9` only (Python's `str.isdigit` also accepts e.g. superscripts);
 * - evicted clusters are removed from their leaf at eviction time instead of lazily on the next insert
 *   into that leaf; candidate order and results are identical, but memory stays bounded.
 */

export interface DrainOptions {
  /** Depth of the prefix tree including root and leaf level. @default 4 */
  depth: number;
  /** Similarity a message needs to join a cluster. @default 0.4 */
  simThreshold: number;
  /** Max children per internal node. @default 100 */
  maxChildren: number;
  /** Max clusters kept (0 = unlimited); beyond it the least recently used cluster is evicted. @default 0 */
  maxClusters: number;
  /** Wildcard token. @default '<*>' */
  paramString: string;
}

/** Drain3's defaults. */
export const defaultDrainOptions: Readonly<DrainOptions> = Object.freeze({
  depth: 4,
  simThreshold: 0.4,
  maxChildren: 100,
  maxClusters: 0,
  paramString: '<*>',
});

/** A log template and the number of messages assigned to it. */
export interface DrainCluster {
  readonly id: number;
  template: readonly string[];
  size: number;
}

/** Result of {@link Drain.add}. */
export interface DrainMatch {
  clusterId: number;
  /** Template tokens joined by a single space, after this message was merged in. */
  template: string;
  /** A new cluster was created for this message. */
  isNew: boolean;
  /** An existing cluster's template was generalised by this message (always false when `isNew`). */
  changed: boolean;
}

/** Serialised prefix-tree node; empty fields are omitted. */
export interface DrainNodeJSON {
  ids?: number[];
  children?: [string, DrainNodeJSON][];
}

/** Complete model state as produced by {@link Drain.toJSON}; plain JSON. */
export interface DrainJSON {
  kind: 'drain';
  version: 1;
  options: DrainOptions;
  /** Last id handed out; evicted ids are never reused. */
  lastId: number;
  /** Live clusters, least recently used first (which is id order when maxClusters is 0). */
  clusters: DrainCluster[];
  /** The prefix tree as built, keyed by token count. Stored verbatim because it cannot be rebuilt from the
   *  templates: routing used each cluster's tokens at creation time, and evicted clusters left nodes behind. */
  tree: [number, DrainNodeJSON][];
}

interface TreeNode {
  readonly children: Map<string, TreeNode>;
  /** Leaf only: candidate clusters in insertion order (held directly to spare a lookup per candidate). */
  readonly clusters: Cluster[];
}

interface Cluster {
  readonly id: number;
  tokens: readonly string[];
  text: string;
  size: number;
  readonly leaf: TreeNode;
}

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] });

function resolveOptions(options: Partial<DrainOptions>): Readonly<DrainOptions> {
  // `??` rather than spread, so an explicit `undefined` still means "default".
  const o = { ...defaultDrainOptions };
  for (const k of Object.keys(o) as (keyof DrainOptions)[]) (o as Record<string, unknown>)[k] = options[k] ?? o[k];
  if (!Number.isInteger(o.depth)) throw new TypeError('depth must be an integer');
  if (o.depth < 3) throw new TypeError('depth must be at least 3');
  if (!(typeof o.simThreshold === 'number' && o.simThreshold >= 0 && o.simThreshold <= 1))
    throw new TypeError('simThreshold must be in [0, 1]');
  if (!Number.isInteger(o.maxChildren)) throw new TypeError('maxChildren must be an integer');
  if (o.maxChildren < 2) throw new TypeError('maxChildren must be at least 2');
  if (!Number.isInteger(o.maxClusters) || o.maxClusters < 0) {
    throw new TypeError('maxClusters must be a non-negative integer');
  }
  // A wildcard containing whitespace would not survive templateOf() → re-tokenisation.
  if (typeof o.paramString !== 'string' || o.paramString === '' || tokenize(o.paramString).length !== 1) {
    throw new TypeError('paramString must be a non-empty string without whitespace');
  }
  return Object.freeze(o);
}

/** Non-ASCII members of Python's `str.split()` whitespace set, so token boundaries match Drain3 exactly. */
const UNICODE_SPACES = new Set([0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

function isSpace(c: number): boolean {
  if (c === 32) return true;
  if (c < 128) return (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  return (c >= 0x2000 && c <= 0x200a) || UNICODE_SPACES.has(c);
}

function tokenize(message: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < message.length; i++) {
    if (isSpace(message.charCodeAt(i))) {
      if (start >= 0) tokens.push(message.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) tokens.push(message.slice(start));
  return tokens;
}

function hasDigit(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * Drain template miner. Feed messages in order with {@link Drain.add}; cluster ids are 1, 2, 3, … in
 * creation order, so the same message sequence always yields the same ids and templates.
 */
export class Drain {
  /** Resolved, frozen options. */
  readonly options: Readonly<DrainOptions>;
  /** Drain3's `max_node_depth`: a message descends min(this, tokenCount) − 1 token levels. */
  readonly #maxNodeDepth: number;
  readonly #byLength = new Map<number, TreeNode>();
  /** Map order doubles as LRU order (oldest first); it is only maintained when maxClusters > 0. */
  readonly #clusters = new Map<number, Cluster>();
  #lastId = 0;

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = resolveOptions(options);
    this.#maxNodeDepth = this.options.depth - 2;
  }

  /** Add one message (already masked/normalized by the caller), returns its cluster. */
  add(message: string): DrainMatch {
    const tokens = tokenize(message);
    const hit = this.#treeSearch(tokens, this.options.simThreshold, false);
    if (hit === undefined) {
      const cluster = this.#create(tokens);
      return { clusterId: cluster.id, template: cluster.text, isNew: true, changed: false };
    }
    // Copy on first difference rather than edit in place: clusters() snapshots share the old array.
    const param = this.options.paramString;
    let generalised: string[] | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = hit.tokens[i];
      if (t !== tokens[i] && t !== param) (generalised ??= [...hit.tokens])[i] = param;
    }
    const changed = generalised !== undefined;
    if (generalised !== undefined) {
      hit.tokens = generalised;
      hit.text = generalised.join(' ');
    }
    hit.size++;
    if (this.options.maxClusters > 0) {
      this.#clusters.delete(hit.id); // re-insert = mark most recently used
      this.#clusters.set(hit.id, hit);
    }
    return { clusterId: hit.id, template: hit.text, isNew: false, changed };
  }

  /**
   * Match without learning (Drain3 `match()`, full_search_strategy 'never'): every non-wildcard template
   * token must equal the message token. Creates nothing, changes nothing, and does not refresh LRU order.
   */
  match(message: string): number | undefined {
    return this.#treeSearch(tokenize(message), 1, true)?.id;
  }

  /** Snapshot of the live clusters, sorted by id. */
  clusters(): readonly DrainCluster[] {
    const out: DrainCluster[] = [];
    for (const c of this.#clusters.values()) out.push({ id: c.id, template: c.tokens, size: c.size });
    // Map order is LRU order when maxClusters > 0; already sorted otherwise, which sort() handles in O(n).
    return out.sort((a, b) => a.id - b.id);
  }

  /** Template of a live cluster, tokens joined by ' '. Throws RangeError for unknown or evicted ids. */
  templateOf(clusterId: number): string {
    const c = this.#clusters.get(clusterId);
    if (c === undefined) throw new RangeError(`unknown cluster id ${clusterId}`);
    return c.text;
  }

  /** Full state; {@link Drain.load} restores a model that behaves identically. */
  toJSON(): DrainJSON {
    const node = (n: TreeNode): DrainNodeJSON => {
      const out: DrainNodeJSON = {};
      if (n.clusters.length > 0) out.ids = n.clusters.map((c) => c.id);
      if (n.children.size > 0) out.children = [...n.children].map(([k, c]) => [k, node(c)]);
      return out;
    };
    return {
      kind: 'drain',
      version: 1,
      options: { ...this.options },
      lastId: this.#lastId,
      clusters: [...this.#clusters.values()].map((c) => ({ id: c.id, template: [...c.tokens], size: c.size })),
      tree: [...this.#byLength].map(([len, n]) => [len, node(n)]),
    };
  }

  /** Restore a model from {@link Drain.toJSON} output. Throws TypeError on anything malformed. */
  static load(json: unknown): Drain {
    const need = (ok: unknown, what: string): void => {
      if (!ok) throw new TypeError(`Drain.load: ${what}`);
    };
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
    const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
    need(isObj(json) && json['kind'] === 'drain', "not a Drain model (kind must be 'drain')");
    const j = json as Record<string, unknown>;
    need(j['version'] === 1, `unsupported version ${String(j['version'])}`);
    need(isObj(j['options']), 'options missing');
    const drain = new Drain(j['options'] as Partial<DrainOptions>);
    const lastId = j['lastId'] as number;
    need(Number.isInteger(lastId) && lastId >= 0, 'lastId must be a non-negative integer');
    need(Array.isArray(j['clusters']) && Array.isArray(j['tree']), 'clusters and tree must be arrays');

    const leafOf = new Map<number, [leaf: TreeNode, tokenCount: number]>();
    const readNode = (v: unknown, tokenCount: number): TreeNode => {
      need(isObj(v), 'tree node must be an object');
      const { ids = [], children = [] } = v as Record<string, unknown>;
      need(Array.isArray(ids) && ids.every(isId), 'tree node ids must be positive integers');
      need(Array.isArray(children), 'tree node children must be an array');
      const n = newNode();
      for (const id of ids as number[]) {
        need(!leafOf.has(id), `cluster ${id} appears in two leaves`);
        leafOf.set(id, [n, tokenCount]); // Map order = leaf order, so leaves are refilled below in their saved order
      }
      for (const e of children as unknown[]) {
        need(Array.isArray(e) && typeof e[0] === 'string', 'tree child must be [token, node]');
        n.children.set((e as [string])[0], readNode((e as unknown[])[1], tokenCount));
      }
      return n;
    };
    for (const e of j['tree'] as unknown[]) {
      need(Array.isArray(e) && Number.isInteger(e[0]) && e[0] >= 0, 'tree entry must be [tokenCount, node]');
      drain.#byLength.set((e as [number])[0], readNode((e as unknown[])[1], (e as [number])[0]));
    }

    for (const c of j['clusters'] as unknown[]) {
      const { id, template, size } = (isObj(c) ? c : {}) as { id: number; template: string[]; size: number };
      need(isId(id) && id <= lastId, 'cluster id must be in [1, lastId]');
      need(Array.isArray(template) && template.every((t) => typeof t === 'string'), `cluster ${id} template`);
      need(Number.isInteger(size) && size >= 1, `cluster ${id} size must be a positive integer`);
      need(!drain.#clusters.has(id), `duplicate cluster ${id}`);
      const [leaf, tokenCount] = leafOf.get(id) ?? [];
      need(leaf, `cluster ${id} is not in the tree`);
      need(template.length === tokenCount, `cluster ${id} template length differs from its tree branch`);
      drain.#clusters.set(id, { id, tokens: [...template], text: template.join(' '), size, leaf: leaf! });
    }
    for (const [id, [leaf]] of leafOf) {
      const c = drain.#clusters.get(id);
      need(c, `tree references unknown cluster ${id}`);
      leaf.clusters.push(c!);
    }
    const max = drain.options.maxClusters;
    need(max === 0 || drain.#clusters.size <= max, `more than maxClusters (${max}) clusters`);
    drain.#lastId = lastId;
    return drain;
  }

  /** Drain3 `tree_search`: descend by leading tokens (exact key, else wildcard child), then fast_match. */
  #treeSearch(tokens: readonly string[], threshold: number, includeParams: boolean): Cluster | undefined {
    let node: TreeNode | undefined = this.#byLength.get(tokens.length);
    if (node === undefined) return undefined;
    // Every empty message belongs to the one empty-template cluster, whatever the threshold.
    if (tokens.length === 0) return node.clusters[0];
    const levels = Math.min(this.#maxNodeDepth, tokens.length) - 1;
    const param = this.options.paramString;
    for (let i = 0; i < levels; i++) {
      const next: TreeNode | undefined = node.children.get(tokens[i]!) ?? node.children.get(param);
      if (next === undefined) return undefined;
      node = next;
    }
    return this.#fastMatch(node.clusters, tokens, threshold, includeParams);
  }

  /**
   * Drain3 `fast_match` + `get_seq_distance`: best similarity wins, ties go to the more general template.
   * All templates in a leaf have `tokens.length` tokens, so similarity order is integer score order. That
   * lets a candidate be dropped as soon as it can no longer reach the threshold or the best score so far,
   * which gives the same winner as scanning everything (a sub-threshold best never survives) while cutting
   * match() (threshold 1) to the first mismatch.
   */
  #fastMatch(
    candidates: readonly Cluster[],
    tokens: readonly string[],
    threshold: number,
    inclParams: boolean,
  ): Cluster | undefined {
    const n = tokens.length;
    const param = this.options.paramString;
    // Smallest score k with k / n >= threshold, decided by the same float division Drain3 uses.
    let minScore = Math.ceil(threshold * n);
    while (minScore > 0 && (minScore - 1) / n >= threshold) minScore--;
    while (minScore < n && minScore / n < threshold) minScore++;
    let best: Cluster | undefined;
    let bestScore = -1;
    let bestParams = -1;
    for (const c of candidates) {
      const t = c.tokens;
      const budget = n - Math.max(minScore, bestScore); // positions this candidate may still fail on
      let lost = 0;
      let params = 0;
      for (let i = 0; i < n && lost <= budget; i++) {
        if (t[i] === param) {
          params++;
          if (!inclParams) lost++;
        } else if (t[i] !== tokens[i]) lost++;
      }
      if (lost > budget) continue;
      const score = n - lost;
      if (score > bestScore || (score === bestScore && params > bestParams)) {
        best = c;
        bestScore = score;
        bestParams = params;
      }
    }
    return best;
  }

  #create(tokens: string[]): Cluster {
    const max = this.options.maxClusters;
    if (max > 0 && this.#clusters.size >= max) {
      const lru = this.#clusters.values().next().value as Cluster;
      this.#clusters.delete(lru.id);
      lru.leaf.clusters.splice(lru.leaf.clusters.indexOf(lru), 1);
    }
    const cluster: Cluster = {
      id: ++this.#lastId,
      tokens,
      text: tokens.join(' '),
      size: 1,
      leaf: this.#leafFor(tokens),
    };
    cluster.leaf.clusters.push(cluster);
    this.#clusters.set(cluster.id, cluster);
    return cluster;
  }

  /** Drain3 `add_seq_to_prefix_tree`: find or grow the path for a new cluster's tokens. */
  #leafFor(tokens: readonly string[]): TreeNode {
    let node: TreeNode | undefined = this.#byLength.get(tokens.length);
    if (node === undefined) {
      node = newNode();
      this.#byLength.set(tokens.length, node);
    }
    const levels = tokens.length === 0 ? 0 : Math.min(this.#maxNodeDepth, tokens.length) - 1;
    const param = this.options.paramString;
    const max = this.options.maxChildren;
    for (let i = 0; i < levels; i++) {
      const token = tokens[i]!;
      const kids: Map<string, TreeNode> = node.children;
      let next: TreeNode | undefined = kids.get(token);
      if (next === undefined) {
        // Numbers are presumed to be parameters, so they never get a node of their own. Otherwise a
        // node keeps its last free slot for the wildcard child; once full, newcomers share the wildcard.
        const hasWild = kids.has(param);
        const key = hasDigit(token) ? param : (hasWild ? kids.size < max : kids.size + 1 < max) ? token : param;
        next = kids.get(key);
        if (next === undefined) {
          next = newNode();
          kids.set(key, next);
        }
      }
      node = next;
    }
    return node;
  }
}
