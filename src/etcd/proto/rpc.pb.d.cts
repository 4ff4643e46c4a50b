// Types for rpc.pb.cjs, the static protobuf code scripts/gen-proto.mjs generates from rpc.proto:
// just what warden uses (every message type has these four functions).
interface ProtoType {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  fromObject(object: object): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
}
declare const root: { etcdserverpb: Record<string, ProtoType | undefined> };
export = root;
