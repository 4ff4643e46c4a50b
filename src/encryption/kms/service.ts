// The KMS v2 plugin API as warden sees it (k8s.io/kms/apis/v2: Status, Encrypt, Decrypt), one
// interface for both sides: the gRPC client to a plugin (grpc.ts) and warden's own local-KEK
// plugin (local-kek.ts) implement it, and the envelope (envelope.ts) is written over it.
export interface KmsStatus {
  /** The plugin API version; kube-apiserver requires "v2" (or "v2beta1" from older plugins). */
  version: string;
  /** "ok" when healthy; anything else is the plugin's reason it is not. */
  healthz: string;
  /** The current write KEK's ID: a change makes data under other IDs stale. */
  keyId: string;
}

export interface KmsEncryptResult {
  ciphertext: Buffer;
  keyId: string;
  /** Stored in plaintext beside the data; keys are fully qualified domain names. */
  annotations: Record<string, Buffer>;
}

export interface KmsDecryptRequest {
  ciphertext: Buffer;
  uid: string;
  keyId: string;
  annotations: Record<string, Buffer>;
}

export interface KmsService {
  status(): Promise<KmsStatus>;
  encrypt(plaintext: Buffer, uid: string): Promise<KmsEncryptResult>;
  decrypt(req: KmsDecryptRequest): Promise<Buffer>;
  /** Releases the connection (a no-op for an in-process service). */
  close(): void;
}
