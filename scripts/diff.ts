import { parseArgs } from 'node:util';
import { diffAgainstRef, renderMarkdown } from '../terraform/diff';

// The PR comment: resources and permissions (wildcards expanded) that differ between a base ref
// and the working tree, both synthesized afresh. BASTION_CONFIG applies to both.
const usage = `usage: tsx scripts/diff.ts --base <git ref> [--title <heading>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      title: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.base) {
    console.log(usage);
    if (!values.base && !values.help) process.exitCode = 2;
    return;
  }
  const diff = await diffAgainstRef({ repoDir: process.cwd(), base: values.base });
  process.stdout.write(
    renderMarkdown(diff, { title: values.title ?? `Changes against ${values.base}` }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
