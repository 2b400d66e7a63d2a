import { BastionConfig, SourceBucketConfig } from '../config';
import { RoleKey, partitionOf, roleName } from '../policies/arns';
import {
  PolicyDocument,
  PolicyDocumentError,
  PolicyKind,
  policyDocument,
} from '../policies/document';
import { ServiceRuleFinding, Subject, checkServiceRules } from '../policies/service-rules';
import { SynthesizedIamDocument } from '../terraform/synthesized';
import { Actor, DataPathActorId, actorsOf, dataPathOnlyActors } from './actors';
import { DataPathResult, dataPathsOf, evaluateDataPaths } from './data-paths';
import { InventoryBucketReview, reviewInventoryBuckets } from './inventory';
import {
  Cell,
  Finding,
  MatrixOptions,
  backupBucketMatrix,
  findingsOf,
  sourceBucketMatrix,
} from './matrix';
import { S3ActionCatalog, s3ActionCatalog } from './s3-actions';

/** Everything the report shows: the matrices, per bucket, and every violation found. */
export interface Review {
  readonly config: BastionConfig;
  readonly catalog: S3ActionCatalog;
  readonly actors: readonly Actor[];
  readonly documents: readonly SynthesizedIamDocument[];
  readonly buckets: readonly BucketReview[];
  readonly findings: readonly Finding[];
  /** Problems that are not a matrix cell: a document missing or breaking a model rule. */
  readonly documentFindings: readonly string[];
  /**
   * What S3, IAM, KMS and CloudWatch would refuse (or never publish) in the synthesized stacks;
   * undefined when the review was given no stacks to check.
   */
  readonly serviceRuleFindings?: readonly ServiceRuleFinding[];
  /** Every role's data paths, KMS included; undefined in a partial review (some layers only). */
  readonly dataPaths?: readonly DataPathResult[];
  /** The S3 Inventory buckets (none without `inventory.enabled`); undefined in a layer subset. */
  readonly inventoryBuckets?: readonly InventoryBucketReview[];
}

export interface BucketReview {
  readonly source: SourceBucketConfig;
  readonly policy: PolicyDocument;
  readonly cells: readonly Cell[];
  readonly sourceCells: readonly Cell[];
}

const KIND_OF: Record<SynthesizedIamDocument['kind'], PolicyKind> = {
  'bucket-policy': 'resource',
  'key-policy': 'resource',
  'role-policy': 'identity',
  'trust-policy': 'trust',
};

/** The model's rules, applied again to what was synthesized. */
export function documentRuleFindings(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
): string[] {
  const findings: string[] = [];
  for (const d of documents) {
    try {
      policyDocument(
        { name: `${d.address}`, kind: KIND_OF[d.kind], partition: partitionOf(config) },
        d.document.Statement,
      );
    } catch (error) {
      if (!(error instanceof PolicyDocumentError)) throw error;
      findings.push(...error.problems.map((p) => `${d.stack} ${d.address}: ${p}`));
    }
  }
  return findings;
}

function find(
  documents: readonly SynthesizedIamDocument[],
  kind: SynthesizedIamDocument['kind'],
  owner: string,
): PolicyDocument | undefined {
  const found = documents.filter((d) => d.kind === kind && d.owner === owner);
  return found.length === 1 ? found[0].document : undefined;
}

/** The actors, each role with its permissions policy as read back from cdktf.out. */
export function actorsFromDocuments(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
  missing: string[] = [],
): Actor[] {
  return actorsOf(config, (role: RoleKey): PolicyDocument => {
    const document = find(documents, 'role-policy', roleName(config, role));
    if (document) return document;
    missing.push(`no single role policy for ${roleName(config, role)} in cdktf.out`);
    return { Version: '2012-10-17', Statement: [] };
  });
}

/** The actors of the data paths: those of the matrix and the data-path-only ones. */
export function dataPathActorsFromDocuments(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
  missing: string[] = [],
): Actor<DataPathActorId>[] {
  return [...actorsFromDocuments(config, documents, missing), ...dataPathOnlyActors(config)];
}

/**
 * Evaluates the documents read back from cdktf.out: the matrix of every backup bucket (three
 * layers), the roles on every source bucket, and the model's rules.
 */
export async function reviewDocuments(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
  options: MatrixOptions & {
    readonly buckets?: readonly string[];
    /** What the services receive (terraform/service-rule-subjects.ts): checked when given. */
    readonly serviceRuleSubjects?: readonly Subject[];
  } = {},
): Promise<Review> {
  const catalog = await s3ActionCatalog();
  const documentFindings = documentRuleFindings(config, documents);
  const missing: string[] = [];
  const actors = actorsFromDocuments(config, documents, missing);
  const buckets: BucketReview[] = [];
  for (const source of config.sourceBuckets) {
    if (options.buckets && !options.buckets.includes(source.backupBucketName)) continue;
    const policy = find(documents, 'bucket-policy', source.backupBucketName);
    if (!policy) {
      missing.push(`no single bucket policy for ${source.backupBucketName} in cdktf.out`);
      continue;
    }
    const cells = await backupBucketMatrix(
      config,
      { backupBucketName: source.backupBucketName, policy },
      actors,
      catalog,
      options,
    );
    const sourceCells =
      options.layers === undefined || options.layers.includes('source')
        ? await sourceBucketMatrix(config, source.name, actors, catalog)
        : [];
    buckets.push({ source, policy, cells, sourceCells });
  }
  const findings = findingsOf(buckets.flatMap((b) => [...b.cells, ...b.sourceCells]));
  const full = options.layers === undefined && options.buckets === undefined;
  return {
    config,
    catalog,
    actors,
    documents,
    buckets,
    findings,
    documentFindings: [...missing, ...documentFindings],
    serviceRuleFindings:
      options.serviceRuleSubjects && checkServiceRules(options.serviceRuleSubjects),
    dataPaths: full
      ? await evaluateDataPaths(dataPathsOf(config, documents), [
          ...actors,
          ...dataPathOnlyActors(config),
        ])
      : undefined,
    inventoryBuckets:
      options.layers === undefined && options.actors === undefined
        ? await reviewInventoryBuckets(config, documents, actors, catalog)
        : undefined,
  };
}

/** Whether every invariant holds. */
export function passes(review: Review): boolean {
  return (
    review.findings.length === 0 &&
    review.documentFindings.length === 0 &&
    (review.serviceRuleFindings ?? []).length === 0 &&
    (review.dataPaths ?? []).every((p) => p.holds) &&
    (review.inventoryBuckets ?? []).every((b) => b.findings.length === 0)
  );
}
