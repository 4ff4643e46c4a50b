#!/usr/bin/env node
// Generates the etcd protobuf code warden runs with, from etcd's own .proto files in
// src/etcd/proto: static encoders/decoders (protobufjs's pbjs, field names kept as written)
// and the table of gRPC methods per service. Generated once and committed, so a command
// starts without parsing .proto text or building reflection descriptors (that took
// @grpc/proto-loader ~0.1 s per command). test/unit/etcd-proto-generated.test.ts fails when
// the committed files differ from what this script generates.
//
//   node scripts/gen-proto.mjs            rewrite src/etcd/proto/rpc.pb.cjs and services.json
//   node scripts/gen-proto.mjs OUT_DIR    write them to OUT_DIR instead
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = path.join(root, 'src/etcd/proto');
const out = path.resolve(process.argv[2] ?? protoDir);
fs.mkdirSync(out, { recursive: true });

const pbjs = path.join(root, 'node_modules/protobufjs-cli/bin/pbjs');
execFileSync(process.execPath, [
  pbjs, '-t', 'static-module', '-w', 'commonjs', '--keep-case', '--no-verify', '--no-delimited', '--no-typeurl', '--no-service',
  '--no-comments', '-p', protoDir, '-o', path.join(out, 'rpc.pb.cjs'), path.join(protoDir, 'rpc.proto'),
], { stdio: 'inherit' });

const r = new protobuf.Root();
r.resolvePath = (_origin, target) => path.join(protoDir, target);
r.loadSync('rpc.proto', { keepCase: true });
const pkg = r.lookup('etcdserverpb');
const services = {};
for (const s of pkg.nestedArray.filter((n) => n instanceof protobuf.Service)) {
  services[s.name] = s.methodsArray.map((m) => ({
    name: m.name,
    requestType: m.resolvedRequestType.name,
    responseType: m.resolvedResponseType.name,
    requestStream: Boolean(m.requestStream),
    responseStream: Boolean(m.responseStream),
  }));
}
fs.writeFileSync(path.join(out, 'services.json'), `${JSON.stringify(services, null, 2)}\n`);
