import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_FLOOR, Floor } from '../../guard/floor';
import { GuardResult, formatRefusal, guardPlan } from '../../guard/guard';
import { TerraformPlan } from '../../guard/plan-file';
import { main } from '../../scripts/guard';
import { PlanJson, TerraformWorkspace } from '../../terraform/workspace';
import { runCli } from '../support/cli-harness';
import {
  ASSETS,
  BACKUP_STACK,
  GUARDED_CONFIG,
  LEDGER,
  PRIMARY_STACK,
  RealPlans,
  WeakeningName,
  makeRealPlans,
} from './real-plans';

// The guard on REAL plans: the example stacks planned offline, and weakened copies of the backup
// stack planned against a state holding the deployed example (see real-plans.ts). Each plan is
// made once for the whole file, weakenings that edit disjoint resources in one plan; the guard
// itself runs in-process.

const guard = (plan: PlanJson, floor: Floor = BUILT_IN_FLOOR): Promise<GuardResult> =>
  guardPlan(plan as unknown as TerraformPlan, GUARDED_CONFIG, floor);
const lines = (result: GuardResult) => result.refusals.map(formatRefusal);

describe('npm run guard on real Terraform plans', () => {
  const workspace = TerraformWorkspace.create();
  let plans: RealPlans;
  beforeAll(async () => {
    plans = await makeRealPlans(workspace);
  }, 600_000);
  afterAll(() => workspace.dispose());

  it('accepts every stack of the example planned offline, with a one-line summary', async () => {
    for (const stack of [BACKUP_STACK, PRIMARY_STACK]) {
      const result = await guard(plans.fresh[stack]);
      expect(lines(result)).toEqual([]);
      expect(result.summary).toMatch(/^safe: nothing weakens a backup bucket\. Checked /);
    }
    // The S3 Inventory bucket is no backup bucket: its one-day noncurrent expiry is by design.
    expect(plans.fresh[BACKUP_STACK].resource_changes).toContainEqual(
      expect.objectContaining({ address: 'aws_s3_bucket.inventory-bucket' }),
    );
    expect((await guard(plans.fresh[BACKUP_STACK])).summary).toContain(
      `2 backup buckets (${ASSETS}, ${LEDGER}), 1 KMS key`,
    );
  });

  it('accepts the unchanged backup stack planned against its deployed state', async () => {
    const changes = plans.unchangedAgainstState.resource_changes ?? [];
    // The buckets, their settings and the key come from the state: nothing to do for them.
    // (Alarms, topics, notifications and inventories are left out of it: planned as new.)
    const kept = changes.filter((c) => plans.stateAddresses.includes(c.address));
    expect(kept.length).toBeGreaterThan(10);
    expect(new Set(kept.flatMap((c) => c.change.actions))).toEqual(new Set(['no-op']));
    expect(lines(await guard(plans.unchangedAgainstState))).toEqual([]);
  });

  const expected: Record<WeakeningName, RegExp[]> = {
    'deny-removed': [
      new RegExp(
        `^aws_s3_bucket_policy\\.${ASSETS}-policy: ${ASSETS}: Deny guardrail DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill is removed from the bucket policy$`,
      ),
      // Without it, the other Denies alone no longer stop outsiders from changing the bucket.
      new RegExp(
        `^aws_s3_bucket_policy\\.${ASSETS}-policy: ${ASSETS}: the planned bucket policy lets .* do more than expected \\(denies-only layer: .*s3:PutBucketVersioning`,
      ),
    ],
    'allow-widened': [
      new RegExp(
        `^aws_s3_bucket_policy\\.${LEDGER}-policy: ${LEDGER}: the planned bucket policy lets primary-account admin .* do more than expected \\(allows-only layer: .*\\): .*object s3:ReplicateObject`,
      ),
      new RegExp(
        `^aws_s3_bucket_policy\\.${LEDGER}-policy: ${LEDGER}: the planned bucket policy lets backfill role taken over .* \\(allows-only layer: .*object s3:ReplicateDelete`,
      ),
    ],
    'versioning-suspended': [
      new RegExp(
        `^aws_s3_bucket_versioning\\.${ASSETS}-versioning: ${ASSETS}: versioning is "Suspended", must be "Enabled"$`,
      ),
    ],
    'retention-below-floor': [
      new RegExp(
        `^aws_s3_bucket_lifecycle_configuration\\.${LEDGER}-lifecycle: ${LEDGER}: lifecycle rule "expire-noncurrent-versions" expires noncurrent versions after 3 days, below the floor of 7 days$`,
      ),
    ],
    'public-access-block-off': [
      new RegExp(
        `^aws_s3_bucket_public_access_block\\.${ASSETS}-public-access-block: ${ASSETS}: public access block block_public_policy is false, must be true$`,
      ),
    ],
    'replica-key-removed': [
      /^aws_kms_key\.replica-key: the replica KMS key is destroyed: its deletion leaves every SSE-KMS replica unreadable$/,
      /^aws_kms_alias\.replica-key-alias: the replica key alias is destroyed/,
    ],
    'bucket-removed': [
      new RegExp(`^aws_s3_bucket\\.${ASSETS}: ${ASSETS}: the backup bucket is destroyed$`),
      new RegExp(
        `^aws_s3_bucket_policy\\.${ASSETS}-policy: ${ASSETS}: its bucket policy is destroyed$`,
      ),
      new RegExp(
        `^aws_s3_bucket_lifecycle_configuration\\.${ASSETS}-lifecycle: ${ASSETS}: its lifecycle configuration \\(the retention window\\) is destroyed$`,
      ),
      new RegExp(
        `^aws_s3_bucket_versioning\\.${ASSETS}-versioning: ${ASSETS}: its versioning configuration is destroyed$`,
      ),
      new RegExp(
        `^aws_s3_bucket_public_access_block\\.${ASSETS}-public-access-block: ${ASSETS}: its public access block is destroyed$`,
      ),
      new RegExp(
        `^aws_s3_bucket_ownership_controls\\.${ASSETS}-ownership: ${ASSETS}: its ownership controls is destroyed$`,
      ),
    ],
  };

  it.each(Object.keys(expected) as WeakeningName[])(
    'refuses the plan with %s, naming each reason and nothing else',
    async (name) => {
      const result = await guard(plans.weakened[name]);
      const found = lines(result);
      for (const pattern of expected[name])
        expect(found).toContainEqual(expect.stringMatching(pattern));
      for (const line of found) {
        expect(expected[name].some((pattern) => pattern.test(line))).toBe(true);
      }
      expect(result.summary).toMatch(new RegExp(`^REFUSED: ${found.length} reasons?\\.`));
    },
  );

  it('plans weakenings together only where each changes exactly the resources it edits', () => {
    // What makes a weakening's own plan (its resources' entries of the joint plan, the rest
    // from the unchanged plan) the plan Terraform makes of it alone: nothing else moved.
    const before = new Map(
      (plans.unchangedAgainstState.resource_changes ?? []).map((c) => [c.address, c.change]),
    );
    expect(plans.joint.flatMap((j) => j.names).sort()).toEqual(Object.keys(expected).sort());
    expect(plans.joint.some((j) => j.names.length > 1)).toBe(true);
    for (const { names, plan, touched } of plans.joint) {
      const edited = names.flatMap((name) => touched[name] ?? []);
      expect(new Set(edited).size).toBe(edited.length);
      // A resource the state does not hold leaves the plan with its configuration.
      const after = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change]));
      const moved = [...new Set([...before.keys(), ...after.keys()])].filter(
        (address) => JSON.stringify(after.get(address)) !== JSON.stringify(before.get(address)),
      );
      expect(moved.sort()).toEqual([...edited].sort());
      for (const name of names) expect(touched[name]?.length).toBeGreaterThan(0);
    }
  });

  it('refuses each joint plan, naming every reason of each weakening in it and nothing else', async () => {
    for (const { names, plan } of plans.joint) {
      const patterns = names.flatMap((name) => expected[name]);
      const found = lines(await guard(plan));
      for (const pattern of patterns) expect(found).toContainEqual(expect.stringMatching(pattern));
      for (const line of found) expect(patterns.some((p) => p.test(line))).toBe(true);
    }
  });

  it('plans the removed bucket as a destroy although the stack declares prevent_destroy', () => {
    // Terraform forgets prevent_destroy with the block: the guard is what stops this plan.
    const bucket = plans.weakened['bucket-removed'].resource_changes?.find(
      (c) => c.address === `aws_s3_bucket.${ASSETS}`,
    );
    expect(bucket?.change.actions).toEqual(['delete']);
  });

  it('refuses the unchanged plan under a floor it does not meet, and names the buckets', async () => {
    const result = await guard(plans.unchangedAgainstState, {
      noncurrentVersionRetentionDays: 60,
      objectLockDays: 30,
    });
    expect(lines(result).sort()).toEqual([
      `aws_s3_bucket.${ASSETS}: ${ASSETS}: no Object Lock default retention; the floor requires at least 30 days`,
      `aws_s3_bucket.${LEDGER}: ${LEDGER}: no Object Lock default retention; the floor requires at least 30 days`,
      `aws_s3_bucket_lifecycle_configuration.${ASSETS}-lifecycle: ${ASSETS}: lifecycle rule "expire-noncurrent-versions" expires noncurrent versions after 30 days, below the floor of 60 days`,
    ]);
  });

  it('refuses configuration that would run code with the workspace credentials', async () => {
    const plan = structuredClone(plans.fresh[BACKUP_STACK]) as unknown as {
      configuration: { root_module: { resources: unknown[] } };
    };
    plan.configuration.root_module.resources.push(
      { address: 'data.external.x', mode: 'data', type: 'external', name: 'x' },
      {
        address: 'terraform_data.y',
        mode: 'managed',
        type: 'terraform_data',
        name: 'y',
        provisioners: [{ type: 'local-exec' }],
      },
    );
    const result = await guard(plan as unknown as PlanJson);
    expect(lines(result)).toEqual([
      'data.external.x: an external data source runs a program during plan, with the workspace credentials',
      'terraform_data.y: a local-exec provisioner runs during apply, with the workspace credentials',
    ]);
  });

  it('refuses a replica key policy that lets the primary account administer or use the key', async () => {
    const plan = structuredClone(plans.fresh[BACKUP_STACK]) as unknown as {
      resource_changes: { type: string; change: { after: { policy: string } } }[];
    };
    const key = plan.resource_changes.find((c) => c.type === 'aws_kms_key')!;
    const policy = JSON.parse(key.change.after.policy) as { Statement: unknown[] };
    policy.Statement.push({
      Sid: 'AllowPrimaryAccountToAdministerKey',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'kms:*',
      Resource: '*',
    });
    key.change.after.policy = JSON.stringify(policy);
    const refused = lines(await guard(plan as unknown as PlanJson));
    for (const action of [
      'kms:ScheduleKeyDeletion',
      'kms:DisableKey',
      'kms:PutKeyPolicy',
      'kms:CreateGrant',
      'kms:Decrypt',
    ]) {
      expect(refused).toContain(
        `aws_kms_key.replica-key: the replica key policy lets primary-account admin (Action * on Resource *) call ${action}`,
      );
    }
  });

  describe('with backupEncryption SSE-KMS (the fresh backup plan, edited as JSON)', () => {
    const kmsConfig = { ...GUARDED_CONFIG, backupEncryption: 'SSE-KMS' as const };
    type Block = Record<string, unknown>;
    /** The fresh plan with every backup bucket's default encryption set by `edit`. */
    const withEncryption = (edit: (byDefault: Block, expression: Block) => void): TerraformPlan => {
      const plan = structuredClone(plans.fresh[BACKUP_STACK]) as unknown as {
        resource_changes: { type: string; address: string; change: { after: Block } }[];
        configuration: { root_module: { resources: { address: string; expressions: Block }[] } };
      };
      for (const c of plan.resource_changes) {
        if (c.type !== 'aws_s3_bucket_server_side_encryption_configuration') continue;
        const byDefault = (
          (c.change.after.rule as Block[])[0].apply_server_side_encryption_by_default as Block[]
        )[0];
        const config = plan.configuration.root_module.resources.find(
          (r) => r.address === c.address,
        )!;
        const expression = (
          (config.expressions.rule as Block[])[0].apply_server_side_encryption_by_default as Block[]
        )[0];
        edit(byDefault, expression);
      }
      return plan as unknown as TerraformPlan;
    };
    const kmsGuard = (plan: TerraformPlan) => guardPlan(plan, kmsConfig, BUILT_IN_FLOOR);
    const keyRef = (byDefault: Block, expression: Block) => {
      byDefault.sse_algorithm = 'aws:kms';
      delete byDefault.kms_master_key_id;
      expression.sse_algorithm = { constant_value: 'aws:kms' };
      expression.kms_master_key_id = {
        references: ['aws_kms_key.replica-key.arn', 'aws_kms_key.replica-key'],
      };
    };

    it('refuses backup buckets left on AES256', async () => {
      const result = await kmsGuard(plans.fresh[BACKUP_STACK] as unknown as TerraformPlan);
      expect(lines(result).sort()).toEqual(
        [ASSETS, LEDGER].map(
          (b) =>
            `aws_s3_bucket_server_side_encryption_configuration.${b}-encryption: ${b}: default encryption is "AES256", must be "aws:kms" with the backup key (backupEncryption SSE-KMS)`,
        ),
      );
    });

    it('accepts aws:kms with the backup key that the same plan creates', async () => {
      expect(lines(await kmsGuard(withEncryption(keyRef)))).toEqual([]);
    });

    it('refuses another key, by ARN or by reference', async () => {
      const foreign = 'arn:aws:kms:us-west-2:111111111111:key/0b7e4a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
      const byArn = await kmsGuard(
        withEncryption((byDefault, expression) => {
          keyRef(byDefault, expression);
          byDefault.kms_master_key_id = foreign;
        }),
      );
      expect(lines(byArn)).toContain(
        `aws_s3_bucket_server_side_encryption_configuration.${ASSETS}-encryption: ${ASSETS}: default encryption key ${foreign} is not the backup key of the backup account`,
      );
      const byReference = await kmsGuard(
        withEncryption((byDefault, expression) => {
          keyRef(byDefault, expression);
          expression.kms_master_key_id = {
            references: ['aws_kms_key.other.arn', 'aws_kms_key.other'],
          };
        }),
      );
      expect(lines(byReference)).toHaveLength(2);
      expect(lines(byReference)[0]).toMatch(/names no kept backup key \(aws_kms_key\.other\)$/);
    });

    it('leaves SSE-S3 configs alone: AES256 is their default', async () => {
      expect(lines(await guard(plans.fresh[BACKUP_STACK]))).toEqual([]);
    });
  });

  describe('the command', () => {
    const file = (name: string, plan: unknown) => {
      const path = join(workspace.root, `${name}.json`);
      writeFileSync(path, JSON.stringify(plan));
      return path;
    };

    it('exits 0 with one summary line for a safe plan', async () => {
      const run = await runCli(main, ['--plan', file('safe', plans.fresh[BACKUP_STACK])]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toMatch(/^guard: safe: /);
    });

    it('exits 1 with one line per reason, then the summary', async () => {
      const run = await runCli(main, [
        '--plan',
        file('weak', plans.weakened['versioning-suspended']),
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout.trim().split('\n')).toEqual([
        `aws_s3_bucket_versioning.${ASSETS}-versioning: ${ASSETS}: versioning is "Suspended", must be "Enabled"`,
        expect.stringMatching(/^guard: REFUSED: 1 reason\. /),
      ]);
    });

    it('applies the floor file', async () => {
      const floor = file('floor', { noncurrentVersionRetentionDays: 45 });
      const run = await runCli(main, [
        '--plan',
        file('safe', plans.fresh[BACKUP_STACK]),
        '--floor',
        floor,
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('after 30 days, below the floor of 45 days');
    });

    it('exits 2 for a file that is not a plan, naming what it is', async () => {
      const binary = join(workspace.root, 'unchanged.tfplan');
      const cases: Array<[string, RegExp]> = [
        [binary, /is a binary plan file: give the JSON of a saved plan/],
        [
          file('state', { format_version: '1.0', values: { root_module: {} } }),
          /is a Terraform state, not a plan/,
        ],
        [file('other', { name: 'package' }), /has no format_version/],
        [join(workspace.root, 'missing.json'), /cannot read .*missing\.json/],
      ];
      for (const [path, message] of cases) {
        const run = await runCli(main, ['--plan', path]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(message);
        expect(run.stdout).toBe('');
      }
    });

    it('exits 2 for a bad floor file, naming every problem with its value and rule', async () => {
      const floor = file('bad-floor', {
        noncurrentVersionRetentionDays: 0,
        objectLockDays: 'x',
        extra: 1,
      });
      const run = await runCli(main, [
        '--plan',
        file('safe', plans.fresh[BACKUP_STACK]),
        '--floor',
        floor,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'noncurrentVersionRetentionDays = 0: is required: a whole number of days',
      );
      expect(run.stderr).toContain('objectLockDays = "x": must be a whole number of days');
      expect(run.stderr).toContain('extra = 1: unknown key');
    });

    it('exits 2 without --plan, and documents itself', async () => {
      expect((await runCli(main, [])).code).toBe(2);
      const help = await runCli(main, ['--help']);
      expect(help.code).toBe(0);
      for (const word of ['npm run guard', '--plan', '--floor', 'BASTION_CONFIG', 'Exit codes']) {
        expect(help.stdout).toContain(word);
      }
    });
  });
});
