// The registry's validation rules, as the real API servers apply them: DNS subdomain names for
// secrets, configmaps, routes and custom resources; OpenShift's OAuth token names (path segment,
// at least 32 characters: sha256~<base64url>); DNS label namespaces; Go's base64 for Secret data;
// which kinds exist (known, or registered by a CustomResourceDefinition).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import {
  KNOWN_TYPES, base64ErrorOffset, crdProblem, invalidName, invalidNamespace, lookupType, nameProblem, objectProblem, resolveKind, resourceOfKey, singlePrefix, typeFromCrd, type ResourceType,
} from '../../src/resources/registry.ts';
import { validationProblem } from '../../src/resources/store.ts';

const type = (name: string): ResourceType => lookupType(name) as ResourceType;

describe('resource names', () => {
  it('OAuth tokens: sha256~<base64url> names pass, short or path-breaking ones fail with the oauth-apiserver reasons', () => {
    for (const t of [type('oauthaccesstokens'), type('oauthauthorizetokens')]) {
      for (let i = 0; i < 50; i++) {
        const name = `sha256~${crypto.createHash('sha256').update(String(i)).digest('base64url')}`;
        assert.equal(name.length, 50);
        assert.equal(nameProblem(t, name), undefined, name);
      }
      assert.equal(nameProblem(t, 'sha256~AbC_-xyz0123456789ABCDEFGHIJKLM'), undefined, 'upper case, _ and - are base64url');
      assert.equal(nameProblem(t, 'legacytokenwithoutprefix0123456789'), undefined, 'tokens from before the prefix are still valid objects');
      assert.equal(nameProblem(t, 'sha256~tok1'), 'must be at least 32 characters long');
      assert.equal(nameProblem(t, `sha256~${'a'.repeat(24)}`), 'must be at least 32 characters long', '31 characters');
      assert.equal(nameProblem(t, `sha256~${'a'.repeat(25)}`), undefined, '32 characters');
    }
  });

  it('OAuth tokens: the exact length bound and the path segment rules', () => {
    const t = type('oauthaccesstokens');
    assert.equal(nameProblem(t, 'x'.repeat(31)), 'must be at least 32 characters long');
    assert.equal(nameProblem(t, 'x'.repeat(32)), undefined);
    assert.equal(nameProblem(t, `${'x'.repeat(20)}/${'y'.repeat(20)}`), "may not contain '/'");
    assert.equal(nameProblem(t, `${'x'.repeat(20)}%2F${'y'.repeat(20)}`), "may not contain '%'");
    assert.equal(nameProblem(t, '..'), "may not be '..'");
    assert.equal(nameProblem(t, ''), 'a name is required');
    assert.match(invalidName(t, 'sha256~tok1') as string, /^invalid name "sha256~tok1" for oauthaccesstokens\.oauth\.openshift\.io: must be at least 32 characters long: OAuth token names are sha256~/);
  });

  it('secrets, configmaps, routes, CRDs and custom resources: RFC 1123 subdomains of at most 253 characters', () => {
    for (const t of [type('secrets'), type('configmaps'), type('routes'), type('customresourcedefinitions')]) {
      for (const ok of ['db', 'db-password', 'db.example.com', 'a', '0', 'x'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(63)}`]) assert.equal(nameProblem(t, ok), undefined, ok);
      for (const bad of ['Bad', 'a_b', 'a..b', '.a', 'a.', '-a', 'a-', 'a.-b', 'sha256~tok1', 'a/b', '']) assert.ok(nameProblem(t, bad), `${bad} should be refused for ${t.resource}`);
      assert.equal(nameProblem(t, 'x'.repeat(254)), 'must be no more than 253 characters');
    }
    assert.match(invalidName(type('secrets'), 'Bad_Name') as string, /^invalid name "Bad_Name" for secrets: a lowercase RFC 1123 subdomain .*: use lower-case letters/);
  });

  it('namespaces: RFC 1123 labels of at most 63 characters', () => {
    assert.equal(invalidNamespace('prod-1'), undefined);
    assert.equal(invalidNamespace('x'.repeat(63)), undefined);
    assert.match(invalidNamespace('x'.repeat(64)) as string, /must be no more than 63 characters/);
    assert.match(invalidNamespace('my.team') as string, /^invalid namespace "my\.team": a lowercase RFC 1123 label/);
  });

  it('validationProblem: name, namespace and content together, one line each', () => {
    const secrets = type('secrets');
    assert.equal(validationProblem(secrets, { metadata: { name: 'db', namespace: 'prod' }, data: { password: 'aHVudGVyMg==' } }), undefined);
    assert.match(validationProblem(secrets, { metadata: { name: 'db' } }) as string, /is namespaced: give a namespace/);
    assert.match(validationProblem(secrets, { metadata: { name: 'db', namespace: 'prod' }, data: { password: 'hunter2!' } }) as string, /^secret\/db: data\.password is not base64 \(illegal base64 data at input byte 7\)/);
    assert.equal(validationProblem(type('oauthaccesstokens'), { metadata: { name: `sha256~${'A'.repeat(43)}` } }), undefined, 'cluster-scoped: no namespace needed');
  });
});

describe('object content', () => {
  it('base64 as Go decodes it (StdEncoding: padding required, newlines skipped)', () => {
    for (const ok of ['', 'aGk=', 'aGVsbG8=', 'aGVsbG8h', 'aGVs\nbG8=', 'aGVsbG8=\n', 'YQ==']) assert.equal(base64ErrorOffset(ok), undefined, JSON.stringify(ok));
    assert.equal(base64ErrorOffset('hunter2!'), 7);
    assert.equal(base64ErrorOffset('aGVsbG8'), 4, 'a quantum cut short');
    assert.equal(base64ErrorOffset('a'), 0);
    assert.equal(base64ErrorOffset('aGk=x'), 4, 'trailing garbage after padding');
    assert.equal(base64ErrorOffset('YQ='), 3, 'not enough padding');
    assert.equal(base64ErrorOffset('Y==='), 1, 'padding too early');
    assert.equal(base64ErrorOffset('aGVsbG8_'), 7, 'base64url is not standard base64');
    for (let i = 0; i < 200; i++) assert.equal(base64ErrorOffset(crypto.randomBytes(i).toString('base64')), undefined);
  });

  it('Secret data and binaryData must be base64 strings; ConfigMap data strings', () => {
    assert.match(objectProblem(type('secrets'), { data: { n: 5 } }) as string, /^data\.n must be a base64 string, not number/);
    assert.match(objectProblem(type('secrets'), { stringData: { n: 'plain' } }) ?? 'ok', /^ok$/);
    assert.match(objectProblem(type('configmaps'), { data: { n: 5 } }) as string, /^data\.n must be a string/);
    assert.match(objectProblem(type('configmaps'), { binaryData: { b: '%%' } }) as string, /^binaryData\.b is not base64 \(illegal base64 data at input byte 0\)/);
    assert.equal(objectProblem(type('routes'), { spec: {} }), undefined);
  });
});

describe('kinds', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1alpha1', served: true }, { name: 'v1', served: true, storage: true }] },
  };

  it('known kinds resolve by group, kind and version', () => {
    const r = resolveKind('v1', 'Secret', []);
    assert.ok('type' in r && r.type.resource === 'secrets');
    const tok = resolveKind('oauth.openshift.io/v1', 'OAuthAccessToken', []);
    assert.ok('type' in tok && tok.type.keyPath === 'oauth/accesstokens');
    const v2 = resolveKind('v2', 'Secret', []);
    assert.ok('error' in v2 && /no resource type for kind "Secret" in v2: secrets serves v1: use apiVersion v1$/.test(v2.error), JSON.stringify(v2));
  });

  it('an unknown kind is refused with the known kinds and how to register one', () => {
    const r = resolveKind('example.com/v1', 'Widget', []);
    assert.ok('error' in r);
    assert.equal(r.error, `no resource type for kind "Widget" in example.com/v1: known kinds are ${KNOWN_TYPES.map((t) => t.kind).join(', ')}: apply a CustomResourceDefinition for it first (spec.group example.com, spec.names.kind Widget)`);
  });

  it('a CustomResourceDefinition registers its kind at Kubernetes\' custom resource layout', () => {
    assert.equal(crdProblem(crd), undefined);
    const t = typeFromCrd(crd) as ResourceType;
    assert.deepEqual({ ...t }, { resource: 'widgets', group: 'example.com', version: 'v1', kind: 'Widget', namespaced: false, keyPath: 'example.com/widgets', root: 'kube', nameRule: 'dns-subdomain', versions: ['v1alpha1', 'v1'] });
    const r = resolveKind('example.com/v1alpha1', 'Widget', [t]);
    assert.ok('type' in r && r.type.version === 'v1alpha1' && r.type.keyPath === 'example.com/widgets');
    const bad = resolveKind('example.com/v2', 'Widget', [t]);
    assert.ok('error' in bad && /widgets\.example\.com serves v1alpha1, v1: use apiVersion example\.com\/v1alpha1, or add v2 to its CustomResourceDefinition$/.test(bad.error), JSON.stringify(bad));
  });

  it('CustomResourceDefinitions are checked as apiextensions checks what makes their type', () => {
    const spec = crd.spec;
    assert.match(crdProblem({ ...crd, metadata: { name: 'widgets' } }) as string, /metadata\.name must be spec\.names\.plural \+ "\." \+ spec\.group: name it widgets\.example\.com/);
    assert.match(crdProblem({ ...crd, spec: { ...spec, group: 'example' } }) as string, /spec\.group must be a domain/);
    assert.match(crdProblem({ ...crd, spec: { ...spec, scope: 'Global' } }) as string, /spec\.scope must be Namespaced or Cluster/);
    assert.match(crdProblem({ ...crd, spec: { ...spec, versions: [] } }) as string, /spec\.versions needs at least one version/);
    assert.match(crdProblem({ ...crd, spec: { ...spec, names: { plural: 'Widgets', kind: 'Widget' } } }) as string, /spec\.names\.plural must be a lower-case DNS label/);
    assert.equal(typeFromCrd({ ...crd, spec: { ...spec, scope: 'Global' } }), undefined);
  });
});

describe('the resource of an etcd key (snapshot inspect and encryption scan count by it)', () => {
  it('names known types, core and custom resources, and nothing outside the roots', () => {
    const cases: [string, string | undefined][] = [
      ['/kubernetes.io/secrets/ns1/s', 'secrets'],
      ['/kubernetes.io/configmaps/ns1/cm', 'configmaps'],
      ['/openshift.io/routes/ns1/r', 'routes.route.openshift.io'],
      ['/openshift.io/oauth/accesstokens/sha256~abc', 'oauthaccesstokens.oauth.openshift.io'],
      ['/kubernetes.io/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com', 'customresourcedefinitions.apiextensions.k8s.io'],
      ['/kubernetes.io/pods/ns1/p', 'pods'],
      ['/kubernetes.io/namespaces/default', 'namespaces'],
      ['/kubernetes.io/example.com/widgets/ns1/w', 'widgets.example.com'],
      // A dotted first segment with nothing after it is not a group/resource pair.
      ['/kubernetes.io/example.com/widgets', 'example.com'],
      ['/kubernetes.io/ranges', 'ranges'],
      ['/kubernetes.io/', undefined],
      ['/kubernetes.io', undefined],
      ['/other/pods/p', undefined],
      ['greeting', undefined],
    ];
    for (const [key, resource] of cases) assert.equal(resourceOfKey(key), resource, key);
    const registry = singlePrefix('/registry');
    assert.equal(resourceOfKey('/registry/secrets/ns/s', registry), 'secrets');
    assert.equal(resourceOfKey('/registry/routes/ns/r', registry), 'routes.route.openshift.io');
    assert.equal(resourceOfKey('/kubernetes.io/secrets/ns/s', registry), undefined);
  });
});
