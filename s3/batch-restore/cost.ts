/**
 * List prices (USD, S3 Standard, us-east-1) of what a restore or a verify sends, so that a dry run
 * shows where each engine costs what. https://aws.amazon.com/s3/pricing/ ("Requests & data
 * retrievals"; "Management & insights": S3 Batch Operations and S3 Inventory). Data transfer
 * between regions is not included.
 */
export const PRICES = {
  /** PUT, COPY, POST, LIST requests, per 1,000. */
  putCopyListPer1000: 0.005,
  /** S3 Batch Operations, per job. */
  batchJob: 0.25,
  /** S3 Batch Operations, per million objects processed. */
  batchPerMillionObjects: 1.0,
  /** S3 Inventory, per million objects listed. */
  inventoryPerMillionObjects: 0.0025,
} as const;

/** Objects per second of the local restore engine, measured on one machine (README). */
export const LOCAL_RESTORE_OBJECTS_PER_SECOND = 600;

export interface EngineEstimate {
  readonly engine: 'local' | 'batch';
  readonly requests: Readonly<Record<string, number>>;
  readonly usd: number;
  /** What the time depends on. */
  readonly time: string;
}

const hours = (seconds: number) =>
  seconds < 3600 ? `${Math.ceil(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;

/**
 * Both engines for the same restore: `listRequests` ListObjectVersions pages (both list the
 * versions), `objects` copies. The local engine also lists the target once (about one LIST per
 * 1,000 objects) and copies at about 600 objects/s; the batch engine uploads one manifest and
 * pays per job and per object on top of the copies, and S3 runs it (AWS publishes no rate).
 */
export function compareRestoreEngines(listRequests: number, objects: number): EngineEstimate[] {
  const perRequest = PRICES.putCopyListPer1000 / 1000;
  const targetList = Math.ceil(objects / 1000);
  const local = {
    ListObjectVersions: listRequests,
    ListObjectsV2: targetList,
    CopyObject: objects,
  };
  const batch = {
    ListObjectVersions: listRequests,
    PutObject: 1,
    'Batch Operations job': 1,
    'Batch Operations objects': objects,
    CopyObject: objects,
  };
  return [
    {
      engine: 'local',
      requests: local,
      usd: (listRequests + targetList + objects) * perRequest,
      time: `about ${hours(objects / LOCAL_RESTORE_OBJECTS_PER_SECOND)} at ${LOCAL_RESTORE_OBJECTS_PER_SECOND} objects/s on one machine`,
    },
    {
      engine: 'batch',
      requests: batch,
      usd:
        (listRequests + 1 + objects) * perRequest +
        PRICES.batchJob +
        (objects / 1e6) * PRICES.batchPerMillionObjects,
      time: 'run by S3 (no published rate); the job waits in a queue before it starts',
    },
  ];
}

/**
 * What a verify of these object counts costs each way: listing both buckets (one LIST per 1,000
 * keys per side, one page after the other), or one day of S3 Inventory of both (per million
 * objects listed; an all-versions report also counts noncurrent versions, so this is a floor).
 */
export function compareVerifyEngines(
  sourceObjects: number,
  backupObjects: number,
): { listRequests: number; listUsd: number; inventoryUsdPerDay: number } {
  const listRequests = Math.ceil(sourceObjects / 1000) + Math.ceil(backupObjects / 1000);
  return {
    listRequests,
    listUsd: (listRequests * PRICES.putCopyListPer1000) / 1000,
    inventoryUsdPerDay: ((sourceObjects + backupObjects) / 1e6) * PRICES.inventoryPerMillionObjects,
  };
}
