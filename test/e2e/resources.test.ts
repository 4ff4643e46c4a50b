// Resources through the CLI and the operator's REST API on real etcd: names validated as each
// resource's real API server validates them (OpenShift OAuth token names are sha256~<base64url>),
// and every bad apply input refused with one line, a non-zero exit and nothing written.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { adminApi } from '../helpers/api.ts';
import { assertOneErrorLine, Background, etcdctl, startCluster, tempDir, type TestCluster } from '../helpers/warden.ts';

/** A token name as OpenShift's OAuth server makes it: sha256~ and the base64url SHA-256 of the token. */
function tokenName(): string {
  return `sha256~${crypto.createHash('sha256').update(crypto.randomBytes(32)).digest('base64url')}`;
}

function yamlFile(text: string, name = 'objs.yaml'): string {
  const file = path.join(tempDir('yaml'), name);
  fs.writeFileSync(file, text);
  return file;
}

/** Every key in etcd (the warden's own /warden/ keys left out). */
async function keys(c: TestCluster): Promise<string[]> {
  const r = await etcdctl(['--endpoints', await c.endpoints(), 'get', '', '--from-key', '--keys-only']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((k) => k && !k.startsWith('/warden/')).sort();
}

describe('resources', () => {
  it('names are validated as the real API servers do: OAuth token names, DNS subdomains, namespaces', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const access = tokenName();
    const authorize = tokenName();
    const ok = await c.run(['apply', '-f', yamlFile([
      `apiVersion: oauth.openshift.io/v1\nkind: OAuthAccessToken\nmetadata:\n  name: ${access}\nuserName: alice\nclientName: console\n`,
      `apiVersion: oauth.openshift.io/v1\nkind: OAuthAuthorizeToken\nmetadata:\n  name: ${authorize}\nuserName: alice\nclientName: console\n`,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db.example.com\n  namespace: prod\ndata:\n  password: aHVudGVyMg==\n',
    ].join('---\n'))]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), [`oauthaccesstoken/${access} created`, `oauthauthorizetoken/${authorize} created`, 'secret/db.example.com created'].join('\n'));
    assert.deepEqual(await keys(c), [`/kubernetes.io/secrets/prod/db.example.com`, `/openshift.io/oauth/accesstokens/${access}`, `/openshift.io/oauth/authorizetokens/${authorize}`]);
    const got = await c.run(['get', 'oauthaccesstokens.oauth.openshift.io', access, '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((JSON.parse(got.stdout) as { metadata: { name: string } }).metadata.name, access);

    const before = await keys(c);
    const short = await c.run(['apply', '-f', yamlFile('apiVersion: oauth.openshift.io/v1\nkind: OAuthAccessToken\nmetadata:\n  name: sha256~tok1\n')]);
    assertOneErrorLine(short, /^Error: invalid name "sha256~tok1" for oauthaccesstokens\.oauth\.openshift\.io: must be at least 32 characters long: .*sha256~/, { only: true });
    const slash = await c.run(['apply', '-f', yamlFile(`apiVersion: oauth.openshift.io/v1\nkind: OAuthAuthorizeToken\nmetadata:\n  name: ${access.slice(0, 20)}/${access.slice(20)}\n`)]);
    assertOneErrorLine(slash, /^Error: invalid name ".*" for oauthauthorizetokens\.oauth\.openshift\.io: may not contain '\/'/, { only: true });
    for (const [name, ns] of [['Bad_Name', 'prod'], ['a..b', 'prod'], ['x'.repeat(254), 'prod']] as const) {
      const r = await c.run(['apply', '-f', yamlFile(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`)]);
      assertOneErrorLine(r, new RegExp(`^Error: invalid name "${name.slice(0, 30)}.*" for secrets: (a lowercase RFC 1123 subdomain|must be no more than 253 characters)`), { only: true });
    }
    const badNs = await c.run(['apply', '-f', yamlFile(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: my.team\n`)]);
    assertOneErrorLine(badNs, /^Error: invalid namespace "my\.team": a lowercase RFC 1123 label/, { only: true });
    assert.deepEqual(await keys(c), before, 'nothing written by a refused apply');

    // The operator's REST API validates names with the same rules.
    const op = new Background(['--state-dir', c.stateDir, 'operator', '--listen', '127.0.0.1:0']);
    t.after(() => op.kill('SIGKILL'));
    const admin = await adminApi(t, c, op);
    const url = admin.url;
    const tokens = `${url}/apis/oauth.openshift.io/v1/oauthaccesstokens`;
    const json = { 'content-type': 'application/json' };
    const name = tokenName();
    const created = await admin.fetch(tokens, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name }, userName: 'bob' }) });
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal(((await (await admin.fetch(`${tokens}/${name}`)).json()) as { userName: string }).userName, 'bob');
    const refused = await admin.fetch(tokens, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'sha256~tok1' } }) });
    assert.equal(refused.status, 422);
    const status = (await refused.json()) as { reason: string; message: string };
    assert.equal(status.reason, 'Invalid');
    assert.match(status.message, /must be at least 32 characters long/);
    const badSecret = await admin.fetch(`${url}/api/v1/namespaces/prod/secrets`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'Bad_Name' } }) });
    assert.equal(badSecret.status, 422);
  });

  it('apply refuses empty files, YAML lists, non-base64 Secret data and unregistered kinds, with one line and nothing written', async (t) => {
    const c = await startCluster(t, ['--members', '1']);
    const before = await keys(c);
    const empty = await c.run(['apply', '-f', yamlFile('', 'empty.yaml')]);
    assertOneErrorLine(empty, /^Error: no objects passed to apply: .*empty\.yaml holds none: /, { only: true });
    const dashes = await c.run(['apply', '-f', yamlFile('---\n', 'dashes.yaml')]);
    assertOneErrorLine(dashes, /^Error: no objects passed to apply: .*dashes\.yaml holds none: /, { only: true });
    const list = await c.run(['apply', '-f', yamlFile('- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: a\n', 'list.yaml')]);
    assertOneErrorLine(list, /^Error: .*list\.yaml: document 1 is a YAML list, not an object: /, { only: true });
    const b64 = await c.run(['apply', '-f', yamlFile('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: hunter2!\n')]);
    assertOneErrorLine(b64, /^Error: secret\/db: data\.password is not base64 \(illegal base64 data at input byte 7\): /, { only: true });
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n';
    const unknown = await c.run(['apply', '-f', yamlFile(widget)]);
    assertOneErrorLine(unknown, /^Error: no resource type for kind "Widget" in example\.com\/v1: known kinds are Secret, ConfigMap, Route, OAuthAccessToken, OAuthAuthorizeToken, CustomResourceDefinition.*: apply a CustomResourceDefinition for it first/, { only: true });
    // One bad object among good ones: nothing at all is written.
    const mixed = await c.run(['apply', '-f', yamlFile(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\n${widget}`)]);
    assertOneErrorLine(mixed, /kind "Widget"/, { only: true });
    assert.deepEqual(await keys(c), before, 'nothing written by a refused apply');

    // Registered by a CustomResourceDefinition, the kind is stored where Kubernetes keeps custom resources.
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    plural: widgets\n    kind: Widget\n  versions:\n    - name: v1\n      served: true\n      storage: true\n';
    const reg = await c.run(['apply', '-f', yamlFile(crd)]);
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(reg.stdout.trim(), 'customresourcedefinition/widgets.example.com created');
    const w = await c.run(['apply', '-f', yamlFile(widget)]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.trim(), 'widget/w1 created');
    assert.deepEqual(await keys(c), ['/kubernetes.io/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com', '/kubernetes.io/example.com/widgets/default/w1']);
    const got = await c.run(['get', 'widgets.example.com', 'w1', '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual((JSON.parse(got.stdout) as { spec: unknown }).spec, { size: 3 });
    const v2 = await c.run(['apply', '-f', yamlFile(widget.replace('example.com/v1', 'example.com/v2'))]);
    assertOneErrorLine(v2, /^Error: no resource type for kind "Widget" in example\.com\/v2: .*widgets\.example\.com serves v1/, { only: true });
  });
});
