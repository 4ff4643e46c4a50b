// Shipping backup sets to S3-compatible storage: both files of a set uploaded (the snapshot
// with revision, hash and cluster ID as object metadata), or neither: a failed second upload
// removes the first. An encrypted set's objects carry only `encryption: age`: what describes the
// cluster stays inside the encrypted archive. The AWS SDK loads only here, on first use.
import path from 'node:path';
import type { BackupInfo } from './archive.ts';
import type { RetentionPolicy } from './retention.ts';
import { setsToDelete } from './retention.ts';
import { parseS3Url, type S3Location, type S3Options } from './s3-url.ts';

export interface S3Target {
  url: string;
  location: S3Location;
  options: S3Options;
}

export function s3Target(url: string, options: S3Options): S3Target {
  return { url, location: parseS3Url(url), options };
}

export async function openStore(t: S3Target) {
  const { S3Store } = await import('./s3.ts');
  return new S3Store(t.location, t.options);
}

/** Fails early (one line) when the bucket is missing or unreachable: before any backup is taken. */
export async function checkTarget(t: S3Target): Promise<void> {
  const store = await openStore(t);
  try {
    await store.checkBucket();
  } finally {
    store.close();
  }
}

export async function shipSet(t: S3Target, snapshotPath: string, archivePath: string, info: Pick<BackupInfo, 'revision' | 'hash' | 'clusterId' | 'member' | 'encrypted'>, onProgress?: (sent: number, total: number) => void, signal?: AbortSignal): Promise<string> {
  const store = await openStore(t);
  try {
    const metadata: Record<string, string> = info.encrypted
      ? { encryption: 'age' }
      : { revision: String(info.revision), hash: String(info.hash), 'cluster-id': info.clusterId, member: info.member.name };
    const snapName = path.basename(snapshotPath);
    await store.uploadFile(snapshotPath, snapName, metadata, onProgress, signal);
    try {
      await store.uploadFile(archivePath, path.basename(archivePath), metadata, undefined, signal);
    } catch (err) {
      const ts = /_(\d{4}-\d{2}-\d{2}_\d{6})/.exec(snapName)?.[1];
      if (ts) await store.deleteSet(ts).catch(() => undefined);
      throw err;
    }
    return store.url(snapName);
  } finally {
    store.close();
  }
}

/** Applies retention in the bucket; returns the timestamps removed. */
export async function pruneRemote(t: S3Target, policy: RetentionPolicy, now: Date): Promise<string[]> {
  const store = await openStore(t);
  try {
    const sets = (await store.listSets()).filter((s) => s.snapshot && s.archive);
    const drop = setsToDelete(sets.map((s) => ({ timestamp: s.timestamp, time: s.time, size: s.size })), policy, now);
    for (const d of drop) await store.deleteSet(d.timestamp);
    return drop.map((d) => d.timestamp);
  } finally {
    store.close();
  }
}
