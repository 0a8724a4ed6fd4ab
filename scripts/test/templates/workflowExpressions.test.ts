import { describe, expect, it } from 'vitest';
import { expressionsIn, headContext, untrustedContext } from '../../src/templates/workflowExpressions.ts';

describe('untrusted contexts in a GitHub expression (GitHub\'s security hardening list)', () => {
  it.each([
    ['${{ github.event.issue.title }}', 'github.event.issue.title'],
    ['${{github.head_ref}}', 'github.head_ref'],
    ['${{ GitHub.Event.Pull_Request.Body }}', 'GitHub.Event.Pull_Request.Body'],
    ["${{ github['event']['comment']['body'] }}", 'github.event.comment.body'],
    ['${{ github.event.commits[0].message }}', 'github.event.commits.*.message'],
    ['${{ github.event.pages.*.page_name }}', 'github.event.pages.*.page_name'],
    ['${{ github.event.*.body }}', 'github.event.*.body'],
    ["${{ format('{0}', github.event.pull_request.head.ref) }}", 'github.event.pull_request.head.ref'],
    ['${{ toJSON(github.event) }}', 'github.event'],
    ["${{ github.event.review.body || 'none' }}", 'github.event.review.body'],
  ])('%s: %s', (expression, context) => expect(untrustedContext(expression)).toBe(context));

  it.each([
    '${{ github.sha }}',
    '${{ github.event.pull_request.number }}',
    '${{ github.event.pull_request.head.sha }}',
    "${{ 'github.event.issue.title' }}",
    "${{ contains(github.event.pull_request.title, '[skip]') }}",
    "${{ startsWith(github.head_ref, 'release/') && 'yes' || 'no' }}",
    '${{ github.event }}',
    '${{ env.TITLE }}',
    '${{ steps.github.event.issue.title }}',
  ])('%s: trusted', expression => expect(untrustedContext(expression)).toBeUndefined());

  it('reads the pull request head a checkout names', () => {
    expect(headContext('${{ github.event.pull_request.head.sha }}')).toBe('github.event.pull_request.head.sha');
    expect(headContext('${{ github.event.pull_request.head.repo.full_name }}')).toBe('github.event.pull_request.head.repo.full_name');
    expect(headContext('${{ github.event.workflow_run.head_sha }}')).toBe('github.event.workflow_run.head_sha');
    expect(headContext('${{ github.event.pull_request.base.sha }}')).toBeUndefined();
  });

  it('finds each expression once, ending at the first }} outside a string', () => {
    expect(expressionsIn("a ${{ x }} b ${{ '}}' }} ${{ open").map(e => [e.text, e.start])).toEqual([['${{ x }}', 2], ["${{ '}}' }}", 13], ['${{ open', 25]]);
  });
});
