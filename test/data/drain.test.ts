import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Drain,
  type DrainJSON,
  type DrainMatch,
  type DrainNodeJSON,
  type DrainOptions,
  defaultDrainOptions,
} from '../../harness/data/enhance/drain.ts';

/** Feed messages, return the cluster id each one landed in. */
function ids(drain: Drain, messages: readonly string[]): number[] {
  return messages.map((m) => drain.add(m).clusterId);
}

/** Children of the token-count node for `length` in the serialised tree. */
function lengthNode(json: DrainJSON, length: number): DrainNodeJSON {
  const entry = json.tree.find(([len]) => len === length);
  assert.ok(entry, `no tree node for length ${length}`);
  return entry[1];
}

/** All cluster ids held by leaves of the serialised tree, sorted. */
function treeIds(json: DrainJSON): number[] {
  const walk = (n: DrainNodeJSON): number[] => [...(n.ids ?? []), ...(n.children ?? []).flatMap(([, c]) => walk(c))];
  return json.tree.flatMap(([, n]) => walk(n)).sort((a, b) => a - b);
}

/** Deterministic pseudo-random corpus whose templates generalise after creation (LCG, fixed seed). */
function corpus(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const verbs = ['get', 'put', 'delete', 'post', 'patch', 'head'];
  const nouns = ['client', 'service', 'token', 'user', 'code', 'key', 'refresh', 'secret'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const shape = next(4);
    const v = verbs[next(verbs.length)]!;
    const a = nouns[next(nouns.length)]!;
    const b = nouns[next(nouns.length)]!;
    if (shape === 0) out.push(`${v} ${a} id ${next(50)} ok`);
    else if (shape === 1) out.push(`${a} ${b} ${v} failed with status ${400 + next(5)}`);
    else if (shape === 2) out.push(`${next(9)}x ${a} cache ${v}`);
    else out.push(`${a}${next(3)} ${b} ${v}`);
  }
  return out;
}

describe('Drain', () => {
  it('clusters the classic example with ids in creation order', () => {
    const d = new Drain();
    const m = (s: string) => d.add(s);
    assert.deepEqual(m('connected to 10.0.0.1'), {
      clusterId: 1,
      template: 'connected to 10.0.0.1',
      isNew: true,
      changed: false,
    });
    assert.deepEqual(m('connected to 10.0.0.2'), {
      clusterId: 1,
      template: 'connected to <*>',
      isNew: false,
      changed: true,
    });
    assert.deepEqual(m('Hex number 0xDEADBEAF'), {
      clusterId: 2,
      template: 'Hex number 0xDEADBEAF',
      isNew: true,
      changed: false,
    });
    assert.deepEqual(m('user davidoh logged in'), {
      clusterId: 3,
      template: 'user davidoh logged in',
      isNew: true,
      changed: false,
    });
    assert.deepEqual(m('user eranr logged in'), {
      clusterId: 3,
      template: 'user <*> logged in',
      isNew: false,
      changed: true,
    });
    assert.deepEqual(m('user bob logged in'), {
      clusterId: 3,
      template: 'user <*> logged in',
      isNew: false,
      changed: false,
    });
    assert.deepEqual(d.clusters(), [
      { id: 1, template: ['connected', 'to', '<*>'], size: 2 },
      { id: 2, template: ['Hex', 'number', '0xDEADBEAF'], size: 1 },
      { id: 3, template: ['user', '<*>', 'logged', 'in'], size: 3 },
    ]);
    assert.equal(d.templateOf(3), 'user <*> logged in');
    assert.throws(() => d.templateOf(4), RangeError);
  });

  it('tokenises on any run of whitespace like Python str.split()', () => {
    const d = new Drain();
    d.add('a b c');
    assert.deepEqual(d.add('  a\t b \u00a0\n c  '), { clusterId: 1, template: 'a b c', isNew: false, changed: false });
    assert.deepEqual(d.add('a b c d'), { clusterId: 2, template: 'a b c d', isNew: true, changed: false });
  });

  it('never puts different token counts in one cluster, even at simThreshold 0', () => {
    const d = new Drain({ simThreshold: 0 });
    assert.deepEqual(ids(d, ['a b c', 'a b c d', 'a b', 'a b c d e', 'a r s']), [1, 2, 3, 4, 1]);
    assert.equal(d.templateOf(1), 'a <*> <*>');
  });

  it('joins at exactly simThreshold and not just below it', () => {
    const d = new Drain();
    // 2 of 5 tokens equal: 0.4 >= 0.4.
    assert.deepEqual(ids(d, ['a b c d e', 'a b x y z']), [1, 1]);
    assert.equal(d.templateOf(1), 'a b <*> <*> <*>');
    // 3 of 8 equal: 0.375 < 0.4.
    assert.deepEqual(ids(d, ['p q r s t u v w', 'p q r x x x x x']), [2, 3]);
    // Wildcard positions are not similarity (include_params=false): 1 of 5 against 'a b <*> <*> <*>'.
    assert.equal(d.add('a c d e f').clusterId, 4);

    const strict = new Drain({ simThreshold: 0.75 });
    assert.deepEqual(ids(strict, ['a b c d', 'a b c x', 'a b y z']), [1, 1, 2]); // 3/4 joins, then 2/4 vs 'a b c <*>'
    assert.equal(strict.templateOf(1), 'a b c <*>');
  });

  it('routes overflow to the wildcard child once a node is full (no wildcard child yet)', () => {
    const d = new Drain({ maxChildren: 3 });
    // The third distinct first token takes the node's last slot as '<*>' (len+1 == maxChildren).
    const got = ids(d, ['alpha one two', 'beta three four', 'gamma five six', 'delta five six', 'epsilon seven eight']);
    assert.deepEqual(got, [1, 2, 3, 3, 4]);
    assert.equal(d.templateOf(3), '<*> five six');
    const node = lengthNode(d.toJSON(), 3);
    assert.deepEqual(
      node.children?.map(([k]) => k),
      ['alpha', 'beta', '<*>'],
    );
    assert.deepEqual(node.children?.[2]?.[1], { ids: [3, 4] });
    // Control: with room to spare, 'delta' gets its own branch and its own cluster.
    assert.deepEqual(
      ids(new Drain(), ['alpha one two', 'beta three four', 'gamma five six', 'delta five six']),
      [1, 2, 3, 4],
    );
  });

  it('routes overflow to the wildcard child once a node is full (wildcard child exists)', () => {
    const d = new Drain({ maxChildren: 3 });
    // '9lives' creates '<*>' first; then tokens get nodes while len < maxChildren.
    assert.deepEqual(ids(d, ['9lives foo bar', 'alpha one two', 'beta three four', 'gamma five six']), [1, 2, 3, 4]);
    const node = lengthNode(d.toJSON(), 3);
    assert.deepEqual(
      node.children?.map(([k]) => k),
      ['<*>', 'alpha', 'beta'],
    );
    assert.deepEqual(node.children?.[0]?.[1], { ids: [1, 4] });
    assert.deepEqual(d.add('gamma five seven'), {
      clusterId: 4,
      template: 'gamma five <*>',
      isNew: false,
      changed: true,
    });
  });

  it('routes tokens containing digits through the wildcard child', () => {
    const d = new Drain();
    assert.equal(d.add('42 apples here').isNew, true);
    assert.deepEqual(d.add('17 apples here'), {
      clusterId: 1,
      template: '<*> apples here',
      isNew: false,
      changed: true,
    });
    // A token with no child of its own falls back to the wildcard branch during search.
    assert.deepEqual(d.add('abc apples here'), {
      clusterId: 1,
      template: '<*> apples here',
      isNew: false,
      changed: false,
    });
    assert.deepEqual(
      lengthNode(d.toJSON(), 3).children?.map(([k]) => k),
      ['<*>'],
    );
    // Control: digit-free first tokens get separate branches and so separate clusters.
    assert.deepEqual(ids(new Drain(), ['foo apples here', 'bar apples here']), [1, 2]);
  });

  it('breaks similarity ties in favour of the template with more wildcards', () => {
    const d = new Drain({ simThreshold: 0.5 });
    assert.deepEqual(ids(d, ['a b c d', 'a x e f', 'a y e f', 'a z g f']), [1, 2, 2, 2]);
    assert.equal(d.templateOf(2), 'a <*> <*> f');
    // 2/4 against both 'a b c d' (0 params) and 'a <*> <*> f' (2 params): the latter wins although it is later.
    assert.deepEqual(d.add('a b g f'), { clusterId: 2, template: 'a <*> <*> f', isNew: false, changed: false });
    assert.equal(d.templateOf(1), 'a b c d');
  });

  it('is deterministic: same input, same ids and templates', () => {
    const messages = corpus(3000, 7);
    const run = (): [DrainMatch[], DrainJSON] => {
      const d = new Drain({ depth: 5, maxChildren: 6 });
      return [messages.map((m) => d.add(m)), d.toJSON()];
    };
    const [first, firstJson] = run();
    const [second, secondJson] = run();
    assert.deepEqual(second, first);
    assert.deepEqual(secondJson, firstJson);
    // New clusters are numbered 1, 2, 3, ... in order of appearance.
    const created = first.filter((r) => r.isNew).map((r) => r.clusterId);
    assert.deepEqual(
      created,
      created.map((_, i) => i + 1),
    );
    assert.ok(created.length > 10 && created.length < messages.length / 2, `${created.length} clusters`);
  });

  it('load restores the tree as built, not as the surviving templates would rebuild it', () => {
    // Evicted clusters leave their branches behind, and those still count towards maxChildren.
    const d = new Drain({ maxChildren: 3, maxClusters: 1 });
    assert.deepEqual(ids(d, ['alpha one two', 'beta three four', 'gamma five six']), [1, 2, 3]);
    const restored = Drain.load(JSON.parse(JSON.stringify(d.toJSON())));
    // 'gamma' overflowed into '<*>', so 'delta' finds it there: 2/3 similar.
    assert.deepEqual(restored.add('delta five six'), d.add('delta five six'));
    assert.equal(restored.templateOf(3), '<*> five six');
  });

  for (const options of [{ depth: 5, maxChildren: 6 }, { depth: 4, maxClusters: 15, maxChildren: 4 }, {}]) {
    it(`round-trips through toJSON/load and keeps learning identically ${JSON.stringify(options)}`, () => {
      const messages = corpus(2000, 11);
      const original = new Drain(options);
      for (const m of messages.slice(0, 1000)) original.add(m);
      const restored = Drain.load(JSON.parse(JSON.stringify(original.toJSON())));
      assert.deepEqual(restored.toJSON(), original.toJSON());
      assert.deepEqual(restored.clusters(), original.clusters());
      for (const m of messages.slice(1000)) {
        assert.equal(restored.match(m), original.match(m), m);
        assert.deepEqual(restored.add(m), original.add(m), m);
      }
      assert.deepEqual(restored.toJSON(), original.toJSON());
    });
  }

  it('load rejects anything without the drain kind tag', () => {
    for (const bad of [null, 'drain', 42, {}, { kind: 'lda', version: 1 }]) {
      assert.throws(() => Drain.load(bad), TypeError);
    }
    const json = new Drain().toJSON();
    assert.throws(() => Drain.load({ ...json, version: 2 }), TypeError);
    const d = new Drain();
    d.add('a b c');
    const good = d.toJSON();
    assert.equal(Drain.load(good).templateOf(1), 'a b c');
    assert.throws(() => Drain.load({ ...good, clusters: [{ id: 1, template: ['a', 'b'], size: 1 }] }), {
      name: 'TypeError',
      message: 'Drain.load: cluster 1 template length differs from its tree branch',
    });
    assert.throws(() => Drain.load({ ...good, clusters: [] }), {
      name: 'TypeError',
      message: 'Drain.load: tree references unknown cluster 1',
    });
    assert.throws(() => Drain.load({ ...json, options: { ...json.options, depth: 1 } }), {
      name: 'TypeError',
      message: 'depth must be at least 3',
    });
  });

  it('validates options with messages naming the option', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ depth: 2 }, 'depth must be at least 3'],
      [{ depth: 3.5 }, 'depth must be an integer'],
      [{ simThreshold: 1.01 }, 'simThreshold must be in [0, 1]'],
      [{ simThreshold: -0.1 }, 'simThreshold must be in [0, 1]'],
      [{ simThreshold: Number.NaN }, 'simThreshold must be in [0, 1]'],
      [{ maxChildren: 1 }, 'maxChildren must be at least 2'],
      [{ maxClusters: -1 }, 'maxClusters must be a non-negative integer'],
      [{ paramString: '' }, 'paramString must be a non-empty string without whitespace'],
      [{ paramString: '< * >' }, 'paramString must be a non-empty string without whitespace'],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => new Drain(options as Partial<DrainOptions>), { name: 'TypeError', message });
    }
    // Boundaries are valid; explicit undefined means default.
    new Drain({ depth: 3, simThreshold: 0, maxChildren: 2 });
    new Drain({ simThreshold: 1 });
    assert.deepEqual(new Drain({ depth: undefined }).options, defaultDrainOptions);
    assert.ok(Object.isFrozen(defaultDrainOptions));
    assert.deepEqual(defaultDrainOptions, {
      depth: 4,
      simThreshold: 0.4,
      maxChildren: 100,
      maxClusters: 0,
      paramString: '<*>',
    });
  });

  it('match() finds exact-or-wildcard matches and never learns', () => {
    const d = new Drain();
    ids(d, ['connected to 10.0.0.1', 'connected to 10.0.0.2', 'user davidoh logged in']);
    const before = d.toJSON();
    assert.equal(d.match('connected to 10.9.9.9'), 1);
    assert.equal(d.match('user davidoh logged in'), 2);
    assert.equal(d.match('user eranr logged in'), undefined); // 3/4 would join via add(), but match needs 1.0
    assert.equal(d.match('connected from 10.0.0.1'), undefined);
    assert.equal(d.match('never seen before'), undefined);
    assert.equal(d.match('connected to'), undefined);
    assert.deepEqual(d.toJSON(), before);
    assert.equal(d.add('user eranr logged in').clusterId, 2); // add() still can
  });

  it('evicts the least recently used cluster when maxClusters is reached', () => {
    const d = new Drain({ maxClusters: 2 });
    assert.deepEqual(ids(d, ['a', 'b b', 'a', 'c c c']), [1, 2, 1, 3]); // 'a' was touched, so 2 goes
    assert.deepEqual(
      d.clusters().map((c) => c.id),
      [1, 3],
    );
    assert.throws(() => d.templateOf(2), RangeError);
    assert.deepEqual(d.add('b b'), { clusterId: 4, template: 'b b', isNew: true, changed: false }); // ids not reused
    assert.deepEqual(
      d.clusters().map((c) => c.id),
      [3, 4],
    );
    // match() does not refresh recency: 3 stays least recently used.
    assert.equal(d.match('c c c'), 3);
    d.add('d d d d');
    assert.deepEqual(
      d.clusters().map((c) => c.id),
      [4, 5],
    );
    // Evicted clusters are gone from their leaves too.
    assert.deepEqual(treeIds(d.toJSON()), [4, 5]);
  });

  it('handles empty messages as one cluster', () => {
    const d = new Drain();
    assert.deepEqual(d.add(''), { clusterId: 1, template: '', isNew: true, changed: false });
    assert.deepEqual(d.add(' \t '), { clusterId: 1, template: '', isNew: false, changed: false });
    assert.equal(d.match(''), 1);
  });

  it('uses a custom paramString', () => {
    const d = new Drain({ paramString: '#' });
    ids(d, ['connected to a', 'connected to b', '7 up', '8 up']);
    assert.equal(d.templateOf(1), 'connected to #');
    assert.equal(d.templateOf(2), '# up');
  });

  it('mines LO2-like lines', () => {
    const d = new Drain();
    const got = [
      'normalised = /oauth2/token',
      'normalised = /oauth2/authorize',
      'path = /oauth2/token, base path is set to: null',
      'path = /oauth2/code, base path is set to: null',
      'Load:<*>',
      'Load:<*>',
      'Load:com.networknt.oauth.token.handler.Oauth2TokenPostHandler',
      'client_id 6e9d1db3-2feb-4c1a-a992-7e1f3b7e9b83 is not found',
      'client_id f7d42348-c647-4efb-a52d-4c5787421e72 is not found',
      'normalised = /oauth2/key/<*>',
    ].map((m) => d.add(m));
    assert.deepEqual(
      got.map((r) => r.clusterId),
      [1, 1, 2, 2, 3, 3, 4, 5, 5, 1],
    );
    assert.deepEqual(
      d.clusters().map((c) => [c.id, c.template.join(' '), c.size]),
      [
        [1, 'normalised = <*>', 3],
        [2, 'path = <*> base path is set to: null', 2],
        [3, 'Load:<*>', 2],
        // Single-token messages share only the token-count node: 0/1 similar, so a new cluster.
        [4, 'Load:com.networknt.oauth.token.handler.Oauth2TokenPostHandler', 1],
        [5, 'client_id <*> is not found', 2],
      ],
    );
    assert.equal(got[5]?.changed, false);
  });
});
