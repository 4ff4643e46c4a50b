// (pure) What an etcd 3.4 call needs when authentication is enabled, and the one-line messages
// for a refused login and a refused call. etcd answers a refused call with a bare "permission
// denied"; warden knows the request it sent, so it says which permission on which keys (or that
// the call is reserved to the root role) and how to grant it.
//
// etcd 3.4, with `auth enable`:
//   - KV Range / Watch need read on the key range; Put and DeleteRange write; a Txn read on the
//     keys it compares and reads, write on those it puts or deletes.
//   - Maintenance Snapshot, Defragment, Hash and HashKV, every Cluster member change, and the
//     Auth calls that manage users and roles need the root role.
//   - Status, Alarm (list and disarm), MoveLeader, MemberList, Compact, LeaseGrant and
//     LeaseKeepAlive need only a login; LeaseRevoke needs write on the keys attached to the lease.

export type Access = 'read' | 'write' | 'readwrite';

export type Need =
  | { kind: 'keys'; access: Access; key: Buffer; rangeEnd?: Buffer }
  | { kind: 'root'; call: string; what: string }
  | { kind: 'call'; call: string; what: string };

/** Where warden keeps its own state; one grant on it covers every warden key. */
export const WARDEN_ROOT = '/warden/';

const ROOT_ONLY: Record<string, string> = {
  'Maintenance.Snapshot': 'take a snapshot',
  'Maintenance.Defragment': 'defragment',
  'Maintenance.Hash': 'hash the backend',
  'Maintenance.HashKV': 'hash the key space (HashKV)',
  'Cluster.MemberAdd': 'change the members',
  'Cluster.MemberRemove': 'change the members',
  'Cluster.MemberUpdate': 'change the members',
  'Cluster.MemberPromote': 'change the members',
  'Auth.AuthEnable': 'enable authentication',
  'Auth.AuthDisable': 'disable authentication',
  'Auth.UserAdd': 'manage users',
  'Auth.UserChangePassword': 'manage users',
  'Auth.UserGrantRole': 'manage users',
  'Auth.RoleAdd': 'manage roles',
  'Auth.RoleGrantPermission': 'manage roles',
};

interface RawRange {
  key?: Uint8Array;
  range_end?: Uint8Array;
}
interface RawOp {
  request_range?: RawRange;
  request_put?: RawRange;
  request_delete_range?: RawRange;
}
interface RawTxn {
  compare?: RawRange[];
  success?: RawOp[];
  failure?: RawOp[];
}

function keysNeed(access: Access, r: RawRange | undefined): Need {
  const key = Buffer.from(r?.key ?? []);
  const end = r?.range_end && r.range_end.length > 0 ? Buffer.from(r.range_end) : undefined;
  return end ? { kind: 'keys', access, key, rangeEnd: end } : { kind: 'keys', access, key };
}

/** What `service.method` with this request needs; the first key a Txn writes names it. */
export function callNeeds(service: string, method: string, request: object | undefined): Need {
  const call = `${service}.${method}`;
  const root = ROOT_ONLY[call];
  if (root) return { kind: 'root', call, what: root };
  const r = (request ?? {}) as RawRange & RawTxn;
  switch (call) {
    case 'KV.Range':
      return keysNeed('read', r);
    case 'KV.Put':
    case 'KV.DeleteRange':
      return keysNeed('write', r);
    case 'KV.Txn': {
      const ops = [...(r.success ?? []), ...(r.failure ?? [])];
      const write = ops.map((o) => o.request_put ?? o.request_delete_range).find(Boolean);
      const read = (r.compare ?? []).length > 0 || ops.some((o) => o.request_range);
      if (write) return keysNeed(read ? 'readwrite' : 'write', write);
      return keysNeed('read', r.compare?.[0] ?? ops.find((o) => o.request_range)?.request_range);
    }
    case 'Watch.Watch':
      return keysNeed('read', r);
    case 'Lease.LeaseRevoke':
      return { kind: 'call', call, what: 'revoke a lease (needs write on every key attached to it)' };
    default:
      return { kind: 'call', call, what: `call ${call}` };
  }
}

/** A key as users type it: printable bytes as they are, others as \xNN. */
export function showKey(key: Buffer): string {
  let out = '';
  for (const b of key) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** The end of a prefix range (etcd's: the prefix with its last byte below 0xff incremented). */
function prefixEnd(key: Buffer): Buffer | undefined {
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** What to grant on the keys, and the rest of the etcdctl line (its closing backquote included). */
function describeKeys(n: Extract<Need, { kind: 'keys' }>): { text: string; perm: Access; grant: string } {
  const d = describeRange(n);
  // Warden reads back what it writes under /warden/: one readwrite grant covers all of it.
  return { ...d, perm: d.grant.startsWith(WARDEN_ROOT) ? 'readwrite' : n.access };
}

function describeRange(n: Extract<Need, { kind: 'keys' }>): { text: string; grant: string } {
  const key = showKey(n.key);
  const everything = (n.key.length === 1 && n.key[0] === 0 && n.rangeEnd?.length === 1 && n.rangeEnd[0] === 0) || (n.key.length === 0 && n.rangeEnd?.length === 1 && n.rangeEnd[0] === 0);
  if (everything) return { text: 'every key', grant: "'' --from-key`" };
  if (key.startsWith(WARDEN_ROOT)) {
    const text = n.rangeEnd ? `keys under ${key}` : key;
    return { text, grant: `${WARDEN_ROOT} --prefix\` (warden keeps its state under ${WARDEN_ROOT})` };
  }
  if (!n.rangeEnd) return { text: key, grant: `${key}\`` };
  if (n.rangeEnd.length === 1 && n.rangeEnd[0] === 0) return { text: `every key from ${key}`, grant: `${key} --from-key\`` };
  const pe = prefixEnd(n.key);
  if (pe && pe.equals(n.rangeEnd)) return { text: `keys under ${key}`, grant: `${key} --prefix\`` };
  const end = showKey(n.rangeEnd);
  return { text: `keys from ${key} to ${end}`, grant: `${key} ${end}\`` };
}

const VERB: Record<Access, string> = { read: 'read', write: 'write', readwrite: 'read and write' };

/**
 * `user` is the --user name; undefined when etcd took the user from the client certificate's
 * common name.
 */
export function permissionMessage(user: string | undefined, need: Need): string {
  const who = user !== undefined ? `user "${user}"` : 'the user of the client certificate (its CN)';
  const role = user !== undefined ? `a role of "${user}"` : 'a role of that user';
  const grantRoot = user !== undefined ? `etcdctl user grant-role ${user} root` : 'etcdctl user grant-role <user> root';
  switch (need.kind) {
    case 'keys': {
      const { text, perm, grant } = describeKeys(need);
      return `${who} may not ${VERB[need.access]} ${text}: grant it with \`etcdctl role grant-permission ROLE ${perm} ${grant} to ${role}, or use a user with the root role`;
    }
    case 'root':
      return `${who} may not ${need.what} (${need.call}): etcd allows it only to the root role: use --user root, or grant it: ${grantRoot}`;
    case 'call':
      return `${who} may not ${need.what}: use a user with the root role`;
  }
}

/** A refused login. `hint` says where the password came from and what to do. */
export function authFailedMessage(user: string, hint = 'check --user/--password (or ETCDCTL_USER/ETCDCTL_PASSWORD)'): string {
  return `authentication failed for user "${user}": ${hint}`;
}

export const NO_USER_MESSAGE =
  'authentication is enabled on the cluster but no user was given: pass --user NAME --password PASSWORD (or ETCDCTL_USER/ETCDCTL_PASSWORD), or a client certificate whose CN is an etcd user';
