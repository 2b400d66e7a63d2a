// `npm run diff`: the PR comment, resources and permissions that differ between a git ref and the
// working tree, both synthesized afresh (terraform/diff.ts).
import { EXIT_OK } from '../cli/exit-codes';
import { CONFIG_ENV } from '../cli/help';
import { requireFlag } from '../cli/args';
import { type Command, runMain } from '../cli/runtime';
import { diffAgainstRef, renderMarkdown } from '../terraform/diff';

const FLAGS = {
  base: { type: 'string', value: 'REF', description: 'the git ref to compare with (required)' },
  title: {
    type: 'string',
    value: 'HEADING',
    description: 'heading of the comment (default: Changes against <ref>)',
  },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'diff',
  usage: 'npm run diff -- --base <git ref> [--title <heading>]',
  description:
    'Prints, as Markdown, the resources and the permissions (wildcards expanded) that differ between --base and the working tree. BASTION_CONFIG applies to both.',
  flags: FLAGS,
  env: [CONFIG_ENV],
  problem: 'not used (differences are the output, not a failure)',
  flagOf: { base: 'base' },
  async run(values, { output }) {
    const base = requireFlag(values.base, 'base');
    const diff = await diffAgainstRef({ repoDir: process.cwd(), base });
    output.stdout.write(renderMarkdown(diff, { title: values.title ?? `Changes against ${base}` }));
    return EXIT_OK;
  },
};

runMain(command);
