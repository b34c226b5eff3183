import type { FunctionDependencies } from '#shared/dependencies.ts';
import { createSelfAssessmentStore } from '#shared/dynamodb/self-assessment-store.ts';
import { actorOf } from '#shared/http/actor.ts';
import { createCapabilityHandler } from '#shared/http/capability-handler.ts';
import type { IdempotencyGuard } from '#shared/http/idempotency.ts';
import { etagOf, optionalIfMatch, requireIfMatch } from '#shared/http/preconditions.ts';
import {
  readSelfAssessment,
  type SelfAssessmentView,
  saveAnswers,
  submitSelfAssessment,
} from '#shared/services/self-assessment.ts';

export interface SubmissionsDependencies extends FunctionDependencies {
  readonly idempotency: IdempotencyGuard;
}

const selfAssessmentResponse = (view: SelfAssessmentView) => ({
  status: 200,
  body: view,
  headers: { etag: etagOf(view.version) },
});

/** The agency operator's self-assessment (penilaian mandiri): read, save, submit. */
export const createSubmissionsHandler = (dependencies: SubmissionsDependencies) => {
  const { config, documentClient } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const store = createSelfAssessmentStore(documentClient, config.programmeTableName);

  return createCapabilityHandler(
    'submissions',
    {
      getSelfAssessment: async ({ params }, context) =>
        selfAssessmentResponse(
          await readSelfAssessment(store, actorOf(context, now()), params.year, params.agencyId),
        ),

      saveSelfAssessment: async ({ params, body, headers }, context) => {
        const expected = requireIfMatch(headers);
        const writes = body.answers.map((answer, index) => ({
          ...answer,
          pointer: `/body/answers/${index}/indicatorNo`,
        }));
        return selfAssessmentResponse(
          await saveAnswers(store, actorOf(context, now()), params.year, params.agencyId, expected, writes),
        );
      },

      saveIndicatorAnswer: async ({ params, body, headers }, context) => {
        const expected = requireIfMatch(headers);
        const writes = [{ indicatorNo: params.no, ...body, pointer: '/params/no' }];
        return selfAssessmentResponse(
          await saveAnswers(store, actorOf(context, now()), params.year, params.agencyId, expected, writes),
        );
      },

      submitSelfAssessment: async ({ params, headers }, context) => {
        const { answers: _answers, ...receipt } = await submitSelfAssessment(
          store,
          actorOf(context, now()),
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
    {
      logger: dependencies.logger,
      corsAllowedOrigins: config.corsAllowedOrigins,
      idempotency: dependencies.idempotency,
    },
  );
};
