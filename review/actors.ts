import { anonymousPrincipal, type SimulationRequestPrincipal } from '@cloud-copilot/iam-simulate';
import { BastionConfig } from '../config';
import { RoleKey, partitionOf, roleArn, roleName } from '../policies/arns';
import { PolicyDocument } from '../policies/document';

/** The actors of the threat model (docs/DESIGN.md), plus the two role take-overs. */
export const ACTOR_IDS = [
  'primary-admin',
  'replication-role',
  'replication-role-taken-over',
  'backfill-role',
  'backfill-role-taken-over',
  'batch-replication-role',
  'restore-role',
  'batch-restore-role',
  'backup-principal-without-grants',
  'anonymous',
  'other-account',
] as const;
export type ActorId = (typeof ACTOR_IDS)[number];

/**
 * Actors that only the data paths evaluate, not the access matrix: a backup-account admin, who
 * must keep the backup key manageable.
 */
export type DataPathActorId = ActorId | 'backup-admin';

/** `Id` is wider for the actors of one check only (the data paths, the inventory buckets). */
export interface Actor<Id extends string = ActorId> {
  readonly id: Id;
  readonly label: string;
  /** Which account the request comes from; 'none' for an unsigned request. */
  readonly side: 'primary' | 'backup' | 'other' | 'none';
  readonly principal: SimulationRequestPrincipal;
  /** aws:PrincipalArn and aws:PrincipalAccount: the evaluator does not derive them. */
  readonly principalArn?: string;
  readonly principalAccount?: string;
  readonly identityPolicies: readonly { name: string; policy: PolicyDocument }[];
  /**
   * Keys every request of a service principal carries (aws:PrincipalIsAWSService, aws:SourceArn,
   * aws:SourceAccount, ...): the evaluator does not derive them either.
   * @default - none: a principal of an account
   */
  readonly serviceContext?: Readonly<Record<string, string>>;
}

/** An account that is neither primary nor backup. */
export const OTHER_ACCOUNT_ID = '999999999999';

export const ADMIN_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AdministratorAccess', Effect: 'Allow', Action: ['*'], Resource: ['*'] }],
};

/**
 * Builds the actors of a config. `rolePolicy(role)` returns the role's permissions policy as read
 * back from cdktf.out, so the roles are evaluated with what will be deployed.
 */
export function actorsOf(
  config: BastionConfig,
  rolePolicy: (role: RoleKey) => PolicyDocument,
): Actor[] {
  const partition = partitionOf(config);
  const primary = config.primary.accountId;
  const backup = config.backup.accountId;
  const admin = [{ name: 'AdministratorAccess', policy: ADMIN_POLICY }];
  const role = (id: ActorId, label: string, key: RoleKey, takenOver: boolean): Actor => {
    const inBackup = key === 'restore' || key === 'batchRestore';
    const account = inBackup ? backup : primary;
    return {
      id,
      label,
      side: inBackup ? 'backup' : 'primary',
      principal: `arn:${partition}:sts::${account}:assumed-role/${roleName(config, key)}/session`,
      principalArn: roleArn(config, key),
      principalAccount: account,
      identityPolicies: takenOver
        ? admin
        : [{ name: roleName(config, key), policy: rolePolicy(key) }],
    };
  };
  const user = (
    id: ActorId,
    label: string,
    side: 'primary' | 'backup' | 'other',
    account: string,
    name: string,
    identityPolicies: Actor['identityPolicies'],
  ): Actor => {
    const arn = `arn:${partition}:iam::${account}:role/${name}`;
    return {
      id,
      label,
      side,
      principal: arn,
      principalArn: arn,
      principalAccount: account,
      identityPolicies,
    };
  };
  return [
    user(
      'primary-admin',
      'primary-account admin (Action * on Resource *)',
      'primary',
      primary,
      'primary-account-admin',
      admin,
    ),
    role('replication-role', 'replication role', 'replication', false),
    role(
      'replication-role-taken-over',
      'replication role taken over by a primary admin (Action * on Resource *)',
      'replication',
      true,
    ),
    role('backfill-role', 'backfill role', 'backfill', false),
    role(
      'backfill-role-taken-over',
      'backfill role taken over by a primary admin (Action * on Resource *)',
      'backfill',
      true,
    ),
    role('batch-replication-role', 'batch-replication role', 'batchReplication', false),
    role('restore-role', 'restore role (backup account)', 'restore', false),
    role(
      'batch-restore-role',
      'batch-restore role (backup account, S3 Batch Operations jobs)',
      'batchRestore',
      false,
    ),
    user(
      'backup-principal-without-grants',
      'backup-account principal without grants',
      'backup',
      backup,
      'backup-account-principal-without-grants',
      [],
    ),
    {
      id: 'anonymous',
      label: 'anonymous (unsigned request)',
      side: 'none',
      principal: anonymousPrincipal,
      identityPolicies: [],
    },
    user(
      'other-account',
      `another account (${OTHER_ACCOUNT_ID}, Action * on Resource *)`,
      'other',
      OTHER_ACCOUNT_ID,
      'outsider-admin',
      admin,
    ),
  ];
}

/** The actors only the data paths evaluate (DataPathActorId). */
export function dataPathOnlyActors(config: BastionConfig): Actor<DataPathActorId>[] {
  const partition = partitionOf(config);
  const account = config.backup.accountId;
  const adminArn = `arn:${partition}:iam::${account}:role/backup-account-admin`;
  return [
    {
      id: 'backup-admin',
      label: 'backup-account admin (Action * on Resource *)',
      side: 'backup',
      principal: adminArn,
      principalArn: adminArn,
      principalAccount: account,
      identityPolicies: [{ name: 'AdministratorAccess', policy: ADMIN_POLICY }],
    },
  ];
}
