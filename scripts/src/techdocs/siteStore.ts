import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type StorageTarget =
  | { type: 'azureBlobStorage'; containerName: string; connectionString?: string; accountName?: string; accountKey?: string }
  | { type: 'awsS3'; bucketName: string; region: string; endpoint?: string; forcePathStyle?: boolean; accessKeyId?: string; secretAccessKey?: string };

/** What the publish step needs from the storage besides uploading: listing and deleting under a prefix. */
export interface SiteStore {
  list(prefix: string): Promise<string[]>;
  remove(keys: readonly string[]): Promise<void>;
}

/**
 * Why the Azure SDK refuses `connectionString` (its own message, e.g. "Invalid URL"), or undefined when it
 * takes it. Backstage's azureBlobStorage publisher hands the string to the same
 * `BlobServiceClient.fromConnectionString`, which parses it without any request, so a string refused here
 * fails there too. Loads @azure/storage-blob; never throws.
 */
export function azureConnectionProblem(connectionString: string): string | undefined {
  const { BlobServiceClient } = require('@azure/storage-blob');
  try {
    BlobServiceClient.fromConnectionString(connectionString);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function siteStore(target: StorageTarget): SiteStore {
  return target.type === 'azureBlobStorage' ? azureStore(target) : s3Store(target);
}

function azureStore(target: Extract<StorageTarget, { type: 'azureBlobStorage' }>): SiteStore {
  const { BlobServiceClient, StorageSharedKeyCredential } = require('@azure/storage-blob');
  const service = target.connectionString
    ? BlobServiceClient.fromConnectionString(target.connectionString)
    : new BlobServiceClient(`https://${target.accountName}.blob.core.windows.net`, new StorageSharedKeyCredential(target.accountName, target.accountKey));
  const container = service.getContainerClient(target.containerName);
  return {
    async list(prefix) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
      return names;
    },
    async remove(keys) {
      for (const key of keys) await container.deleteBlob(key, { deleteSnapshots: 'include' }).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      });
    },
  };
}

function s3Store(target: Extract<StorageTarget, { type: 'awsS3' }>): SiteStore {
  const { S3Client, ListObjectsV2Command, DeleteObjectsCommand } = require('@aws-sdk/client-s3');
  const client = new S3Client({
    region: target.region,
    endpoint: target.endpoint,
    forcePathStyle: target.forcePathStyle,
    ...(target.accessKeyId ? { credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey } } : {}),
  });
  return {
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: target.bucketName, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async remove(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        await client.send(new DeleteObjectsCommand({ Bucket: target.bucketName, Delete: { Objects: keys.slice(i, i + 1000).map(Key => ({ Key })) } }));
      }
    },
  };
}

/** The techdocs publisher (@backstage/plugin-techdocs-node) configured for the target, as Backstage reads it. */
export async function techdocsPublisher(target: StorageTarget) {
  const { Publisher } = require('@backstage/plugin-techdocs-node');
  const { ConfigReader } = require('@backstage/config');
  const publisher = target.type === 'azureBlobStorage'
    ? { type: 'azureBlobStorage', azureBlobStorage: { containerName: target.containerName, ...(target.connectionString ? { connectionString: target.connectionString } : { credentials: { accountName: target.accountName, ...(target.accountKey ? { accountKey: target.accountKey } : {}) } }) } }
    : { type: 'awsS3', awsS3: { bucketName: target.bucketName, region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}), ...(target.forcePathStyle ? { s3ForcePathStyle: true } : {}), ...(target.accessKeyId ? { credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey } } : {}) } };
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };
  const discovery = { getBaseUrl: async () => 'http://127.0.0.1', getExternalBaseUrl: async () => 'http://127.0.0.1' };
  return Publisher.fromConfig(new ConfigReader({ techdocs: { publisher } }), { logger: quiet, discovery }) as Promise<{
    getReadiness(): Promise<{ isAvailable: boolean }>;
    publish(request: { entity: object; directory: string }): Promise<unknown>;
    fetchTechDocsMetadata(entity: { namespace: string; kind: string; name: string }): Promise<Record<string, unknown>>;
  }>;
}
