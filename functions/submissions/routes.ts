import { selfAssessmentRoutes } from '#shared/api/self-assessment/routes.ts';
import { etagOf } from '#shared/domain/versions.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createLambdaHandler, type HttpOptions } from '#shared/http/lambda-handler.ts';
import { optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';
import { pageBody } from '#shared/http/responses.ts';
import {
  createSelfAssessmentService,
  type SelfAssessmentServicePorts,
  type SelfAssessmentView,
} from '#shared/services/self-assessment/self-assessment.ts';

export interface SubmissionsDependencies extends SelfAssessmentServicePorts {
  readonly http: HttpOptions;
}

const selfAssessmentResponse = (view: SelfAssessmentView) => ({
  status: 200 as const,
  body: view,
  headers: { etag: etagOf(view.version) },
});

/** The agency operator's self-assessment (penilaian mandiri): read, save, submit. */
export const createSubmissionsHandler = (dependencies: SubmissionsDependencies) => {
  const selfAssessments = createSelfAssessmentService(dependencies);

  return createLambdaHandler(
    'submissions',
    selfAssessmentRoutes,
    {
      listCycleSelfAssessments: async ({ params, query }, context) => ({
        status: 200,
        body: pageBody(await selfAssessments.listByCycle(actorOf(context, context.now), params.year, query)),
      }),

      getSelfAssessment: async ({ params }, context) =>
        selfAssessmentResponse(
          await selfAssessments.read(actorOf(context, context.now), params.year, params.agencyId),
        ),

      saveSelfAssessment: async ({ params, body, headers }, context) => {
        const expected = requireIfMatch(headers);
        const writes = body.answers.map((answer, index) => ({
          ...answer,
          pointer: `/body/answers/${index}/indicatorNo`,
        }));
        return selfAssessmentResponse(
          await selfAssessments.saveAnswers(
            actorOf(context, context.now),
            params.year,
            params.agencyId,
            expected,
            writes,
          ),
        );
      },

      saveIndicatorAnswer: async ({ params, body, headers }, context) => {
        const expected = requireIfMatch(headers);
        const writes = [{ indicatorNo: params.no, ...body, pointer: '/params/no' }];
        return selfAssessmentResponse(
          await selfAssessments.saveAnswers(
            actorOf(context, context.now),
            params.year,
            params.agencyId,
            expected,
            writes,
          ),
        );
      },

      submitSelfAssessment: async ({ params, headers }, context) => {
        const { answers: _answers, ...receipt } = await selfAssessments.submit(
          actorOf(context, context.now),
          params.year,
          params.agencyId,
          optionalIfMatch(headers),
        );
        return {
          status: 200,
          body: receipt,
          headers: {
            etag: etagOf(receipt.version),
            location: `/v1/cycles/${params.year}/agencies/${params.agencyId}/self-assessment`,
          },
        };
      },
    },
    dependencies.http,
  );
};
