import { assessmentRoutes } from '#shared/api/assessment/routes.ts';
import { etagOf } from '#shared/domain/versions.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';
import { pageBody, putResponse } from '#shared/http/responses.ts';
import {
  type AssignmentServicePorts,
  createAssignmentService,
} from '#shared/services/assessment/assignments.ts';
import { createScoringService, type ScoringServicePorts } from '#shared/services/assessment/scoring.ts';

export interface AssessmentDependencies extends AssignmentServicePorts, ScoringServicePorts {
  readonly http: HttpOptions;
}

/** External assessment: assessors and panels (admin), staged scoring (panels), review (admin). */
export const createAssessmentHandler = (dependencies: AssessmentDependencies) => {
  const panels = createAssignmentService(dependencies);
  const scoring = createScoringService(dependencies);

  return createLambdaHandler(
    'assessment',
    assessmentRoutes,
    {
      putAssessor: async ({ params, body, headers }, context) => {
        const { created, assessor } = await panels.putAssessor(
          actorOf(context, context.now),
          params.subject,
          body,
          optionalIfMatch(headers),
        );
        return putResponse(created, assessor, `/v1/assessors/${assessor.subject}`);
      },
      getAssessorAudit: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await panels.assessorAuditTrail(params.subject, query)),
      }),
      getAssessor: async ({ params }) => {
        const assessor = await panels.getAssessor(params.subject);
        return { status: 200, body: assessor, headers: { etag: etagOf(assessor.version) } };
      },
      createAssignments: async ({ params, body, csvLines }, context) => ({
        status: 200,
        body: await panels.assign(actorOf(context, context.now), params.year, body.assignments, csvLines),
      }),
      listAssignments: async ({ params, query }) => ({
        status: 200,
        body: pageBody(await panels.listForCycle(params.year, query)),
      }),
      listMyAssignments: async ({ query }, context) => ({
        status: 200,
        body: pageBody(await panels.listMine(actorOf(context, context.now), query)),
      }),
      recuse: async ({ params, body }, context) => ({
        status: 200,
        body: await panels.recuse(actorOf(context, context.now), params.year, params.agencyId, body.reason),
      }),
      removeFromPanel: async ({ params, body }, context) => ({
        status: 200,
        body: await panels.removeFromPanel(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          params.subject,
          body.reason,
        ),
      }),
      getAssessment: async ({ params }, context) => ({
        status: 200,
        body: await scoring.view(actorOf(context, context.now), params.year, params.agencyId),
      }),
      saveStageScores: async ({ params, body }, context) => ({
        status: 200,
        body: await scoring.saveScores(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          params.stage,
          body.scores.map((score, index) => ({
            ...score,
            pointer: `/body/scores/${index}/indicatorNo`,
            fieldsPointer: `/body/scores/${index}`,
          })),
        ),
      }),
      saveStageScore: async ({ params, body, headers }, context) => {
        const score = await scoring.saveScore(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          params.stage,
          {
            ...body,
            indicatorNo: params.no,
            expectedVersion: requireIfMatch(headers),
            pointer: '/params/no',
            fieldsPointer: '/body',
          },
        );
        return { status: 200, body: score, headers: { etag: etagOf(score.version) } };
      },
      listStageScoreVersions: async ({ params }, context) => ({
        status: 200,
        body: {
          items: await scoring.versions(
            actorOf(context, context.now),
            params.year,
            params.agencyId,
            params.stage,
            params.no,
          ),
        },
      }),
      saveReviews: async ({ params, body }, context) => ({
        status: 200,
        body: await scoring.saveReviews(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          body.reviews.map((review, index) => ({ ...review, pointer: `/body/reviews/${index}/indicatorNo` })),
        ),
      }),
    },
    dependencies.http,
  );
};
