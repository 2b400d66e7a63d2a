// The PR diff: model (what differs), Markdown (the comment), worktree (synthesizing a git ref).
export * from './model';
export { renderMarkdown } from './markdown';
export { diffAgainstRef } from './worktree';
