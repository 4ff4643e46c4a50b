// @grpc/grpc-js and etcd's services. A module of its own, loaded with import() on a
// connection's first call: esbuild bundles it (with grpc-js and the protobuf runtime) into a
// chunk that only commands which talk to etcd load, so `snapshot status`, `--help` and the
// like start without it.
//
// The service classes are built from code generated ahead of time from etcd's .proto files
// (scripts/gen-proto.mjs: static encoders/decoders and the method table), not by
// @grpc/proto-loader at run time: that parse cost ~0.1 s of every command. Messages convert
// exactly as proto-loader's options {keepCase, longs: String, bytes: Buffer, defaults: true,
// oneofs: true} did: field names as in the .proto, 64-bit integers as decimal strings.
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import protobuf from 'protobufjs/minimal.js';
import rpc from './proto/rpc.pb.cjs';
import services from './proto/services.json' with { type: 'json' };

export { grpc };

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth';

// uint64 IDs (cluster, member, lease) need Long: without it they would decode as lossy numbers.
protobuf.util.Long = Long;
protobuf.configure();

const TO_OBJECT = { longs: String, bytes: Buffer, defaults: true, oneofs: true };

function messageType(name: string): NonNullable<(typeof rpc.etcdserverpb)[string]> {
  const t = rpc.etcdserverpb[name];
  if (!t) throw new Error(`etcd proto has no message ${name}: regenerate with node scripts/gen-proto.mjs`);
  return t;
}

/** The gRPC service definition of one etcd service: paths, streaming flags and codecs. */
export function serviceDefinition(service: ServiceName): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const m of (services as Record<string, (typeof services)['KV']>)[service] ?? []) {
    const req = messageType(m.requestType);
    const res = messageType(m.responseType);
    def[m.name] = {
      path: `/etcdserverpb.${service}/${m.name}`,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: (o: unknown) => Buffer.from(req.encode(req.fromObject(o as object)).finish()),
      requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), TO_OBJECT),
      responseSerialize: (o: unknown) => Buffer.from(res.encode(res.fromObject(o as object)).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), TO_OBJECT),
    };
  }
  return def;
}

let serviceCtors: Record<ServiceName, grpc.ServiceClientConstructor> | undefined;

/** A client class per etcd service. */
export function etcdServices(): Record<ServiceName, grpc.ServiceClientConstructor> {
  if (!serviceCtors) {
    const ctor = (name: ServiceName) => grpc.makeGenericClientConstructor(serviceDefinition(name), name);
    serviceCtors = { KV: ctor('KV'), Watch: ctor('Watch'), Lease: ctor('Lease'), Cluster: ctor('Cluster'), Maintenance: ctor('Maintenance'), Auth: ctor('Auth') };
  }
  return serviceCtors;
}
