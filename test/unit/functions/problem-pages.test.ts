import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemTypePageHtml, problemTypesPageHtml } from '#functions/public/problem-pages.ts';
import { problemGuides, problemTypeUri, problemTypeUris } from '#shared/api/common/problem-types.ts';
import { ProblemTypeParamsSchema } from '#shared/api/public/schemas.ts';
import * as errors from '#shared/domain/errors.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { problemSlugs, problemTypes } from '#shared/domain/problem-types.ts';
import { problemFromError } from '#shared/http/problem-details.ts';
import { htmlAccessibilityProblems } from '#test/helpers/html-accessibility.ts';

/**
 * The pages a problem document's `type` leads to: one per type, reachable through the route's own
 * parameter rule, each with the status and title every problem of that type carries, and the index
 * linking them all. Plain HTML: no script, no style (the API's policy allows neither).
 */

/** Every concrete error class of the hierarchy, constructed as its callers do. */
const thrownErrors: errors.AppError[] = Object.values(errors).flatMap((member) => {
  if (typeof member !== 'function' || !(member.prototype instanceof errors.AppError)) return [];
  if (member === errors.FrameworkValidationError) {
    return [new errors.FrameworkValidationError('spbe-2020', ['weights do not add up'])];
  }
  const error: unknown = Reflect.construct(member, ['A detail.']);
  return error instanceof errors.AppError ? [error] : [];
});

describe('problem type pages', () => {
  it('are counted in the README as the index lists them', () => {
    // Prepare
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

    // Assess
    expect(readme).toContain(`\`GET /problems\` lists all ${problemSlugs.length} (`);
  });

  it('has a page for every type an error of the hierarchy is answered with', () => {
    expect(thrownErrors.length).toBeGreaterThanOrEqual(15);
    for (const error of thrownErrors) {
      const { problem } = problemFromError(error, {});
      expect(problemTypeUris).toContain(problem.type);
      const slug = problem.type.slice(problem.type.lastIndexOf('/') + 1);
      const html = problemTypePageHtml(slug);
      expect(html).toContain(`<h1>${problem.title}</h1>`);
      expect(html).toContain(`<dt>status</dt><dd>${problem.status}</dd>`);
    }
  });

  it('reaches every page through the route’s own parameter rule', () => {
    for (const slug of problemSlugs) {
      expect(ProblemTypeParamsSchema.safeParse({ slug }).success, slug).toBe(true);
    }
  });

  it('says what each type means, what to do and whether a retry helps, with back-quoted names as code', () => {
    // Act
    const html = problemTypePageHtml('precondition-failed');

    // Assess
    expect(html).toContain(
      '<title>The resource has changed (stale If-Match) (412) — SPBE Award API problem types</title>',
    );
    expect(html).toContain('<code>/problems/precondition-failed</code>');
    expect(html).toContain('The <code>If-Match</code> header carries an ETag');
    expect(html).toContain(problemGuides['precondition-failed'].whatToDo.replaceAll('`', ''));
    expect(html).toContain('Only once the request is corrected.');
    expect(html).not.toMatch(/<script|<style|style=/);
  });

  it('escapes the guides’ text', () => {
    expect(problemTypePageHtml('forbidden')).toContain('another agency’s data');
    expect(problemTypePageHtml('unauthorized')).toContain('<code>Authorization: Bearer &lt;token&gt;</code>');
  });

  it('lists and links every type on the index, in the order of their statuses', () => {
    // Act
    const html = problemTypesPageHtml();

    // Assess
    const linked = [...html.matchAll(/<a href="(\/problems\/[a-z-]+)">/g)].map((match) => match[1]);
    expect(linked).toEqual(problemSlugs.map(problemTypeUri));
    const statuses = problemSlugs.map((slug) => problemTypes[slug].status);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it('answers 404 for a type that does not exist, naming the index', () => {
    expect(() => problemTypePageHtml('teapot')).toThrow(NotFoundError);
    expect(() => problemTypePageHtml('teapot')).toThrow('/problems lists them all');
    expect(() => problemTypePageHtml('constructor')).toThrow(NotFoundError);
  });
});

describe('problem type pages for screen readers', () => {
  it('pass the checks a page’s HTML can be given without a browser: the index’s table captioned too', () => {
    expect(htmlAccessibilityProblems(problemTypesPageHtml())).toEqual([]);
    for (const slug of problemSlugs)
      expect(htmlAccessibilityProblems(problemTypePageHtml(slug)), slug).toEqual([]);
  });
});
