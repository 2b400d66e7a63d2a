import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BastionConfig, backupEncryptionOf } from '../config';
import { Statement } from '../policies/document';
import { WRITE_GUARD_PURPOSE } from '../policies/backup-write-guards';
import { INVENTORY_REPORT_PREFIX } from '../policies/arns';
import { SERVICE_RULES } from '../policies/service-rules';
import { Actor } from './actors';
import { Cell, Finding, LAYER_ACTORS, MISTAKE_SID } from './matrix';
import { BucketReview, Review, passes } from './review-documents';

/**
 * Renders cdktf.out/SECURITY-REVIEW.md: what each actor can do on each backup bucket, each
 * guardrail and what it prevents, the residual risks and the findings. Deterministic (no date),
 * so that the report diffs cleanly between two commits.
 */

/** What each guardrail prevents, in the reviewer's words. A Deny without an entry is a finding. */
export const GUARDRAIL_PURPOSE: Readonly<Record<string, string>> = {
  DenyInsecureTransport: 'every request without TLS, from anyone, to the bucket or its objects',
  DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill:
    'outside the backup account: every S3 action, including those AWS adds later, except the few that replication and the backfill need (the NotAction list); so no delete, overwrite, read, or change of the policy, ACLs, versioning, lifecycle, encryption, Object Lock, ownership, public access block, replication, tags or notifications',
  DenyReplicationWritesExceptReplicationRole:
    'outside the backup account: replication writes (new versions, delete markers, tags, annotations, owner override) by any principal but the replication role',
  DenyVersioningReadExceptReplicationRole:
    'outside the backup account: reading the versioning state by any principal but the replication role',
  DenyListingExceptReplicationAndBackfillRoles:
    'outside the backup account: listing the bucket by any principal but the replication and backfill roles',
  DenyObjectWritesExceptBackfillRole:
    'outside the backup account: s3:PutObject by any principal but the backfill role',
  DenyBackfillOverwrites:
    "the backfill role creating an object without If-None-Match '*', which could overwrite (multipart steps that create nothing are exempt)",
  DenyBackfillObjectAcls: 'the backfill role sending any ACL but bucket-owner-full-control',
  ...WRITE_GUARD_PURPOSE,
};

function evaluatorVersion(): string {
  const dir = dirname(require.resolve('@cloud-copilot/iam-simulate'));
  const pkg = JSON.parse(readFileSync(join(dir, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

const short = (action: string) => action.replace(/^s3:/, '');

/** `bucket: A, B; objects: C, PutObject [x, y]`, or `nothing`. */
export function describeAllowed(cells: readonly Cell[]): string {
  const allowed = cells.filter((c) => c.result === 'Allowed');
  if (allowed.length === 0) return 'nothing';
  const parts: string[] = [];
  for (const target of ['bucket', 'object'] as const) {
    const byAction = new Map<string, string[]>();
    for (const c of allowed.filter((x) => x.target === target)) {
      byAction.set(c.action, [
        ...(byAction.get(c.action) ?? []),
        ...(c.variant.id ? [c.variant.id] : []),
      ]);
    }
    if (byAction.size === 0) continue;
    const names = [...byAction.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, variants]) =>
        variants.length > 0 ? `${short(action)} [${variants.join(', ')}]` : short(action),
      );
    parts.push(`${target === 'bucket' ? 'bucket' : 'objects'}: ${names.join(', ')}`);
  }
  return parts.join('; ');
}

function cellsOf(bucket: BucketReview, actor: Actor, tls: boolean): Cell[] {
  return bucket.cells.filter(
    (c) => c.layer === 'deployed' && c.actor === actor.id && c.tls === tls,
  );
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ];
}

/** The summary table: per actor, what it can do on each backup bucket, and without TLS. */
export function summaryTable(review: Review): string[] {
  const findingActors = new Set(review.findings.map((f) => f.actor));
  return table(
    [
      'actor',
      ...review.buckets.map((b) => `\`${b.source.backupBucketName}\` over TLS`),
      'without TLS',
      'as expected',
    ],
    review.actors.map((actor) => [
      actor.label,
      ...review.buckets.map((b) => describeAllowed(cellsOf(b, actor, true))),
      review.buckets.every((b) => describeAllowed(cellsOf(b, actor, false)) === 'nothing')
        ? 'nothing'
        : 'SOMETHING (see findings)',
      findingActors.has(actor.id) ? 'NO' : 'yes',
    ]),
  );
}

function conditionText(s: Statement): string {
  return s.Condition === undefined ? '' : JSON.stringify(s.Condition);
}

function guardrails(bucket: BucketReview, problems: string[]): string[] {
  const denyCounts = new Map<string, Cell[]>();
  for (const c of bucket.cells) {
    for (const sid of c.deniedBy) denyCounts.set(sid, [...(denyCounts.get(sid) ?? []), c]);
  }
  const rows = bucket.policy.Statement.map((s) => {
    const actions = s.Action ?? s.NotAction ?? [];
    const actionText =
      actions.length > 6 ? `${actions.length} actions` : actions.map(short).join(', ');
    if (s.Effect === 'Allow') {
      return [s.Sid, 'Allow', actionText, `grants it, when ${conditionText(s)}`, ''];
    }
    const purpose = GUARDRAIL_PURPOSE[s.Sid];
    if (purpose === undefined) {
      problems.push(
        `${bucket.source.backupBucketName}: the Deny ${s.Sid} has no description in GUARDRAIL_PURPOSE`,
      );
    }
    const denied = denyCounts.get(s.Sid) ?? [];
    const examples = [...new Set(denied.filter((c) => c.tls).map((c) => short(c.action)))].slice(
      0,
      4,
    );
    return [
      s.Sid,
      'Deny',
      actionText,
      purpose ?? 'NO DESCRIPTION',
      `${denied.length}${examples.length > 0 ? ` (e.g. ${examples.join(', ')})` : ''}`,
    ];
  });
  return table(
    ['Sid', 'effect', 'actions', 'prevents / grants', 'requests it denied in the proof'],
    rows,
  );
}

export function residualRisks(review: Pick<Review, 'config'>): string[] {
  const windows = review.config.sourceBuckets
    .map((b) => `\`${b.backupBucketName}\`: ${b.noncurrentVersionRetentionDays} days`)
    .join(', ');
  const lock = review.config.objectLock;
  return [
    '**A primary-account admin can take over the replication role** (rewrite its trust and ' +
      'permissions, or delete and recreate it: `aws:PrincipalArn` matches by name). The bucket ' +
      'policy bounds what they then get, and the matrix proves it (row "replication role taken ' +
      'over"): `ReplicateObject`, `ReplicateDelete`, `ReplicateTags`, `ReplicateObjectAnnotation` ' +
      'and the owner override on ' +
      'objects, `ListBucket` and `GetBucketVersioning`. So they **can write delete markers and ' +
      'new versions into the backup**, and change replica tags and annotations. They cannot delete a version, ' +
      'read an object, or change any bucket setting. The old versions become noncurrent and ' +
      `**survive the retention window** (${windows}); after it the lifecycle rule removes them ` +
      'for good. That window is the time to notice (alarm on delete-marker and overwrite spikes) ' +
      'and restore.',
    '**The same holds for the backfill role**: taken over, it can list the backup and create ' +
      "objects under keys that have no current version (If-None-Match '*'): storage cost and " +
      'clutter, never an overwrite, a delete or a read.',
    '**The backup account itself is trusted.** The bucket policy restricts every principal ' +
      'outside it; an administrator of the backup account can still delete versions or change ' +
      'the bucket. That account must stay rarely touched, with few admins.' +
      (lock === undefined
        ? ' This config has no Object Lock: versions rest on versioning, the bucket policy and the account boundary.'
        : ` Object Lock ${lock.mode} with ${lock.days} days of default retention also protects every version.`),
    '**Whether `s3:ReplicateObject` can replace an existing replica version** (same version ' +
      'id) is not documented; this review assumes, at worst, a new version.',
    '**Actions AWS adds later** are denied without anyone updating a list: the bucket policy ' +
      'denies every S3 action outside the backup account but the replication and backfill ' +
      'allow-list (`NotAction`), and the matrix above evaluates every S3 action the packaged ' +
      'Service Authorization Reference knows.',
    '**What the evaluator models**: identity policies, the bucket policy, same- and ' +
      'cross-account rules and condition operators. Not modelled here: SCPs and RCPs, permission ' +
      'boundaries, session policies, VPC endpoint policies, access points, S3 Block Public Access ' +
      '(all unused by this project or only tightening). KMS key policies are evaluated in the ' +
      'data-path checks of the tests, not in this matrix. `aws:SecureTransport`, `aws:PrincipalAccount` and `aws:PrincipalArn` are set on ' +
      'every request (the evaluator does not derive them).',
    // Conditional copy: https://www.amazonaws.cn/en/new/2025/amazon-s3-adds-conditional-write-functionality-to-copy-operations
    // The older note: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
    '**CopyObject under the enforced If-None-Match**: S3 accepts `If-None-Match: *` on ' +
      'CopyObject and evaluates `s3:if-none-match` for it (conditional copy, October 2025), so ' +
      "the backfill's server-side copies pass the bucket policy and never overwrite; the " +
      'multipart path (UploadPartCopy, then CompleteMultipartUpload with If-None-Match) does ' +
      "too. The User Guide's page on enforcing conditional writes still carries an older note " +
      '(CopyObject refused with 501). Should S3 answer that, the copy fails and the backfill ' +
      'reports the object as failed (exit 1): a failed backfill, never an overwrite.',
    '**The AWS Organizations management account is trusted.** If the primary account is the ' +
      'management account (or its admins are), it can assume `OrganizationAccountAccessRole` in ' +
      'the backup account, attach SCPs and RCPs to it, deploy into it through StackSets, or close ' +
      'it; SCPs never restrict the management account. Keep both accounts out of the management ' +
      'account, delete or restrict `OrganizationAccountAccessRole` in the backup account, and ' +
      'see docs/backup-integrity.md.',
    '**What a replica may carry is pinned only where AWS offers a condition key.** The bucket ' +
      'policy refuses SSE-C, KMS keys outside the backup account, Object Lock headers and archive ' +
      'classes on backfill writes, and SSE-C and foreign keys on replication writes (rows ' +
      '`[sse-c]`, `[sse-kms-foreign-key]`, ...). AWS lists no storage-class key for ' +
      '`s3:ReplicateObject`: a primary admin can still archive replicas through the replication ' +
      'rule or the source objects (detection: the inventory comparison and the drift check). ' +
      (lock === undefined
        ? ''
        : 'The replica retention cap (`DenyRetentionBeyondCap`) follows the S3 user guide; the ' +
          'evaluator cannot model it for `s3:ReplicateObject`, a live account proves it.'),
    ...sseS3ReplicasRisk(review.config),
  ].map((risk, i) => `${i + 1}. ${risk}`);
}

/**
 * With SSE-KMS backups, the replicas of SSE-S3 sources keep SSE-S3: S3 replication keeps a
 * replica's encryption type and does not apply the destination's default to it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
function sseS3ReplicasRisk(config: BastionConfig): string[] {
  if (backupEncryptionOf(config) !== 'SSE-KMS') return [];
  const sseS3 = config.sourceBuckets.filter((b) => b.sourceKmsKeyArn === undefined);
  if (sseS3.length === 0) return [];
  return [
    '**SSE-KMS backups do not cover the replicas of SSE-S3 sources** ' +
      `(${sseS3.map((b) => `\`${b.name}\``).join(', ')}): a replica keeps its source's ` +
      "encryption type and S3 does not apply the backup bucket's default key to it, so reading " +
      "those replicas needs a bucket grant only. The backfill's copies and the replicas of " +
      'SSE-KMS sources carry the backup key. Encrypt those sources with SSE-KMS (`sourceKmsKeyArn`), ' +
      'or move existing replicas to the key with `UpdateObjectEncryption` from the backup account ' +
      '(docs/backup-integrity.md).',
  ];
}

export function renderReport(review: Review): string {
  const problems: string[] = [];
  const bucketSections = review.buckets.flatMap((bucket) => [
    `## Backup bucket \`${bucket.source.backupBucketName}\` (source \`${bucket.source.name}\`)`,
    '',
    '### What each actor can do',
    '',
    ...table(
      ['actor', 'over TLS', 'without TLS'],
      review.actors.map((actor) => [
        actor.label,
        describeAllowed(cellsOf(bucket, actor, true)),
        describeAllowed(cellsOf(bucket, actor, false)),
      ]),
    ),
    '',
    '### Guardrails: the bucket policy, statement by statement',
    '',
    'Counts are requests of the matrix that the statement denied: as deployed, and with the ' +
      `Allows replaced by an allow-all (\`${MISTAKE_SID}\`), which proves each Deny holds on its own.`,
    '',
    ...guardrails(bucket, problems),
    '',
    `### The roles on the source bucket \`${bucket.source.name}\``,
    '',
    ...table(
      ['role', 'allowed by its identity policy'],
      [...new Set(bucket.sourceCells.map((c) => c.actor))].map((id) => [
        review.actors.find((a) => a.id === id)!.label,
        describeAllowed(bucket.sourceCells.filter((c) => c.actor === id)),
      ]),
    ),
    '',
  ]);
  const findings: string[] = [
    ...review.documentFindings,
    ...review.findings.map((f: Finding) => `${f.bucket} (${f.layer}) ${f.actor}: ${f.message}`),
    ...(review.serviceRuleFindings ?? []).map((f) => `${f.where}: ${f.rule}: ${f.problem}`),
    ...(review.dataPaths ?? [])
      .filter((p) => !p.holds)
      .map((p) => `data path "${p.path.id}" must ${p.path.must}, but does not`),
    ...(review.inventoryBuckets ?? []).flatMap((b) => b.findings.map((f) => f.message)),
    ...problems,
  ];
  const notApplicable = new Map<string, string[]>();
  for (const a of review.catalog.notApplicable) {
    const key = a.resourceTypes.length === 0 ? 'account (no resource)' : a.resourceTypes.join(', ');
    notApplicable.set(key, [...(notApplicable.get(key) ?? []), short(a.action)]);
  }
  return [
    '# Security review: s3-bastion-backup',
    '',
    `Generated by \`npm run review\` from the IAM documents in cdktf.out, evaluated with ` +
      `@cloud-copilot/iam-simulate ${evaluatorVersion()} for ${review.actors.length} actors x ` +
      `${review.catalog.evaluated.length} S3 actions that take a bucket or an object (s3:PutObject ` +
      `once per request shape) x TLS on and off. Expected results are data in ` +
      '`review/expected.ts`; any difference is a finding.',
    '',
    `**Result: ${findings.length === 0 ? 'every invariant holds' : `${findings.length} finding(s)`}.**`,
    '',
    '## Summary',
    '',
    ...summaryTable(review),
    '',
    "Request shapes of s3:PutObject: `if-none-match` (If-None-Match '*', no ACL), " +
      '`if-none-match+bucket-owner-full-control`, `if-none-match+public-read`, `overwrite` ' +
      '(no If-None-Match), `multipart-step` (CreateMultipartUpload, UploadPart, UploadPartCopy), ' +
      '`multipart-step+public-read`.',
    '',
    `Besides the deployed policy, each bucket policy is evaluated with its Denies removed (the ` +
      `Allows alone must grant exactly the expected access) and with its Allows replaced by an ` +
      `allow-all (the Denies alone must hold it), for ${LAYER_ACTORS.join(', ')}.`,
    '',
    '## Findings',
    '',
    ...(findings.length === 0 ? ['None.'] : findings.map((f) => `- ${f}`)),
    '',
    '## Residual risks',
    '',
    ...residualRisks(review),
    '',
    ...deployabilitySections(review),
    ...keyPolicySections(review),
    ...bucketSections,
    ...inventorySections(review),
    '## S3 actions not evaluated against a bucket',
    '',
    'Their resource is not a bucket or an object, so no bucket policy is consulted for them ' +
      '(data behind an access point still needs a bucket-policy grant, which no statement gives).',
    '',
    ...table(
      ['resource type', 'actions'],
      [...notApplicable.entries()].map(([type, actions]) => [type, actions.join(', ')]),
    ),
    '',
  ].join('\n');
}

/** A resource policy, statement by statement: who, what, under which conditions. */
function statementTable(statements: readonly Statement[]): string[] {
  const list = (v: string | readonly string[] | undefined) => [v ?? []].flat().join(', ');
  return table(
    ['Sid', 'effect', 'principal', 'actions', 'conditions'],
    statements.map((s) => [
      s.Sid ?? '',
      s.Effect,
      s.Principal === undefined || s.Principal === '*'
        ? '*'
        : list([s.Principal.AWS ?? [], s.Principal.Service ?? []].flat()),
      s.NotAction === undefined ? list(s.Action) : `all but ${list(s.NotAction)}`,
      Object.entries(s.Condition ?? {})
        .flatMap(([operator, block]) =>
          Object.entries(block ?? {}).map(([k, v]) => `${operator} ${k} = ${list(v)}`),
        )
        .join('; '),
    ]),
  );
}

/**
 * Each backup key's policy, statement by statement: who may use or administer the key that
 * encrypts SSE-KMS replicas (and, with SSE-KMS backups, every backup object). The data paths
 * above evaluate it; this is what the reviewer reads.
 */
function keyPolicySections(review: Review): string[] {
  return review.documents
    .filter((d) => d.kind === 'key-policy')
    .flatMap((d) => [
      `## Backup key policy (${d.stack}, \`${d.address}\`)`,
      '',
      'Only the backup account administers the key; every grant to a primary-account role names ' +
        'the role (aws:PrincipalArn) and S3 (kms:ViaService).',
      '',
      ...statementTable(d.document.Statement),
      '',
    ]);
}

/**
 * Each S3 Inventory bucket: who can write, read, change or delete the reports, per actor, as
 * evaluated (review/inventory.ts), and the bucket policy statement by statement.
 */
function inventorySections(review: Review): string[] {
  return (review.inventoryBuckets ?? []).flatMap((inventory) => {
    const deployed = (actor: string, tls: boolean) =>
      inventory.cells.filter(
        (c) =>
          c.layer === 'deployed' && c.actor === actor && c.tls === tls && c.result === 'Allowed',
      );
    const names = (cells: readonly { key: string }[]) =>
      cells.length === 0
        ? 'nothing'
        : cells
            .map((c) => c.key.replace(' s3:', ' '))
            .sort()
            .join(', ');
    const failing = new Set(inventory.findings.map((f) => f.actor));
    const policy = review.documents.find(
      (d) => d.kind === 'bucket-policy' && d.owner === inventory.bucket,
    )?.document;
    return [
      `## Inventory bucket \`${inventory.bucket}\` (${inventory.side} account, ${inventory.region})`,
      '',
      `S3 Inventory delivers here the daily reports of ${inventory.inventoried.map((b) => `\`${b}\``).join(', ')}. ` +
        (inventory.side === 'backup'
          ? 'They name every key and version of the backups: only the restore role reads them; ' +
            'no primary-account principal can read, change or delete anything.'
          : 'They list the source buckets, which the primary account owns: its own principals ' +
            'are not judged here; the backup account and outsiders get nothing.') +
        ' Evaluated on a report object (`' +
        `${INVENTORY_REPORT_PREFIX}/${inventory.inventoried[0]}/...` +
        '`) and on the bucket, for every S3 action that takes either.',
      '',
      ...table(
        ['actor', 'over TLS', 'changes or deletes', 'without TLS', 'as expected'],
        inventory.actors.map((actor) => [
          actor.label,
          names(deployed(actor.id, true)),
          names(deployed(actor.id, true).filter((c) => c.mutating)),
          names(deployed(actor.id, false)),
          failing.has(actor.id) ? 'NO' : 'yes',
        ]),
      ),
      '',
      ...(inventory.side === 'backup'
        ? [
            `With its Allows replaced by an allow-all (\`${MISTAKE_SID}\`), the policy's Denies ` +
              `alone must still keep out ${LAYER_ACTORS.join(', ')}: ` +
              (inventory.findings.some((f) => f.message.includes('(denies-only)'))
                ? 'they DO NOT (see findings).'
                : 'they do.'),
            '',
          ]
        : []),
      ...(policy === undefined ? [] : statementTable(policy.Statement)),
      '',
    ];
  });
}

/** The service rules and the data paths: what the stores of the documents check, and the jobs. */
function deployabilitySections(review: Review): string[] {
  const sections: string[] = [];
  if (review.serviceRuleFindings !== undefined) {
    const failed = new Set(review.serviceRuleFindings.map((f) => f.rule));
    sections.push(
      '## What AWS checks when the documents are written',
      '',
      'Each rule runs on every document and alarm of cdktf.out (policies/service-rules/). ' +
        'What these checks cannot prove is in docs/deployability.md.',
      '',
      ...table(
        ['rule', 'what the service refuses', 'result', 'AWS page'],
        SERVICE_RULES.map((rule) => [
          rule.id,
          rule.summary,
          failed.has(rule.id) ? 'FAILS' : 'holds',
          rule.page,
        ]),
      ),
      '',
    );
  }
  if (review.dataPaths !== undefined) {
    sections.push(
      '## Data paths of the roles, KMS included',
      '',
      'Each request of each path is evaluated with the synthesized documents; the source keys ' +
        'are assumed to have the default key policy (the account may grant them through IAM).',
      '',
      ...table(
        ['path', 'must', 'requests', 'result'],
        review.dataPaths.map((p) => [
          p.path.id,
          p.path.must,
          p.decisions
            .map(
              (d) => `${d.request.action.replace(/^s3:/, '')} ${d.allowed ? 'allowed' : 'denied'}`,
            )
            .join('; '),
          p.holds ? 'holds' : 'FAILS',
        ]),
      ),
      '',
    );
  }
  return sections;
}

/** Whether every invariant holds, including a description for every Deny. */
export function reportPasses(review: Review): boolean {
  return passes(review) && renderReport(review).includes('**Result: every invariant holds.**');
}
