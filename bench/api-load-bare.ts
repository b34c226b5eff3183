/**
 * The floor of the `api-load` bench: a bare `node:http` server that answers the same three requests
 * with the same DynamoDB calls as the API routes' documented minimum (docs/access-patterns.md), the
 * same items and conditions (the write path's pure action builders), through a DocumentClient with
 * the project's settings — and otherwise only what the route must do to give the same answer:
 * no validation, no middleware, no problem+json, no logging or metrics.
 *
 * What the route must do, the floor does too, so that the ratio measures the API's stack and not
 * work any server of these routes would have:
 * - a request with a token is checked as the API's authorizer checks it (the same identity provider
 *   `verify`: RS256 signature, issuer, audience, expiry, the route's scopes) and answered only for
 *   the token's own agency — an unchecked token would let anyone read any agency's answers;
 * - the answer is the same representation the API sends: the public view of an agency, the
 *   self-assessment view with its provisional index (`selfAssessmentView`, the domain's pure
 *   function) — not the stored items, which are larger and lack the index.
 *
 * Every request first counts against its caller's limit as the API does (the same conditional
 * UpdateItem on the rate-limit table, under a budget it never reaches, keyed by the token's subject
 * and client or the source address), then:
 * - `GET /v1/agencies/{agencyId}`: GetItem (consistent) of the profile (`getAgency`).
 * - `GET /v1/cycles/{year}/agencies/{agencyId}/self-assessment`: the Query of header and answers
 *   (the store's `load`); the cycle from the store's per-container cache, as the API reads it.
 * - `PUT …/self-assessment/indicators/{no}`: the same Query, then one TransactWriteItems of the
 *   header (conditional on the If-Match version and still a draft), the answer, its audit record and
 *   the checks that the cycle is unchanged and the agency active (`commitChange`). 412 when the
 *   condition fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Verification } from '../local/auth.ts';
import type { Scope } from '../shared/api/access.ts';
import { selfAssessmentRoutes } from '../shared/api/self-assessment/routes.ts';
import { auditEntry } from '../shared/domain/actor.ts';
import { diffFields } from '../shared/domain/audit.ts';
import { getFramework } from '../shared/domain/framework/registry.ts';
import type { Level } from '../shared/domain/framework/types.ts';
import { agencyFromItem } from '../shared/dynamodb/agency-store.ts';
import { auditAction } from '../shared/dynamodb/audit-store.ts';
import { agencyKeys } from '../shared/dynamodb/keys.ts';
import { rateLimitUpdate } from '../shared/dynamodb/rate-limit-store.ts';
import {
  createSelfAssessmentStore,
  selfAssessmentActions,
} from '../shared/dynamodb/self-assessment-store.ts';
import { stateActions } from '../shared/dynamodb/state-actions.ts';
import { agencyClaim, roleClaim } from '../shared/http/identity.ts';
import { publicAgencyView } from '../shared/services/registry/agencies.ts';
import type { EvidenceReference, StoredAnswer } from '../shared/services/self-assessment/ports.ts';
import { selfAssessmentView } from '../shared/services/self-assessment/self-assessment.ts';

export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The token check the API's authorizer makes (the local identity provider's `verify`). */
export type VerifyToken = (
  authorization: string | undefined,
  scopes: readonly Scope[],
) => Promise<Verification>;

const agencyPath = /^\/v1\/agencies\/([\w-]+)$/;
const selfAssessmentPath = /^\/v1\/cycles\/(\d{4})\/agencies\/([\w-]+)\/self-assessment$/;
const indicatorPath = /^\/v1\/cycles\/(\d{4})\/agencies\/([\w-]+)\/self-assessment\/indicators\/(\d+)$/;
const readScopes = selfAssessmentRoutes.getSelfAssessment.access.scopes;
const writeScopes = selfAssessmentRoutes.saveIndicatorAnswer.access.scopes;

interface AnswerBody {
  readonly level: Level;
  readonly explanation: string;
  readonly evidence: EvidenceReference[];
}

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
};

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startBareServer = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  rateLimitTableName: string,
  verifyToken: VerifyToken,
): Promise<BareServer> => {
  const store = createSelfAssessmentStore(client, tableName);
  const countRequest = (callerKey: string, name: 'public' | 'read' | 'write') =>
    client.send(
      new UpdateCommand(
        rateLimitUpdate(rateLimitTableName, {
          callerKey,
          policy: { name, quota: 999_999_999, windowSeconds: 60 },
          now: new Date(),
        }),
      ),
    );
  /** The token's claims when it is valid for these scopes and this agency's own; else undefined. */
  const operatorOf = async (request: IncomingMessage, scopes: readonly Scope[], agencyId: string) => {
    const verification = await verifyToken(request.headers.authorization, scopes);
    if (!verification.ok) return undefined;
    const { claims } = verification;
    const own = claims[roleClaim] === 'admin' || claims[agencyClaim] === agencyId;
    return own
      ? { subject: String(claims.sub), callerKey: `token:${claims.sub}:${claims.client_id}` }
      : undefined;
  };
  const load = async (year: number, agencyId: string) => {
    const [cycle, state] = await Promise.all([store.cycle(year, 'cached'), store.load(year, agencyId)]);
    if (cycle === undefined) throw new Error(`No ${year} cycle`);
    return { cycle, agencyId, framework: getFramework(cycle.frameworkId), state };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const agency = agencyPath.exec(path);
    if (request.method === 'GET' && agency) {
      await countRequest(`address:${request.socket.remoteAddress}`, 'public');
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: agencyKeys.profile(agency[1] ?? ''),
          ConsistentRead: true,
        }),
      );
      if (!result.Item) return json(response, 404, {});
      const record = agencyFromItem(result.Item);
      return json(response, 200, publicAgencyView(record), { etag: `"${record.version}"` });
    }
    const selfAssessment = selfAssessmentPath.exec(path);
    if (request.method === 'GET' && selfAssessment) {
      const year = Number(selfAssessment[1]);
      const agencyId = selfAssessment[2] ?? '';
      const operator = await operatorOf(request, readScopes, agencyId);
      if (operator === undefined) return json(response, 401, {});
      await countRequest(operator.callerKey, 'read');
      const view = selfAssessmentView(await load(year, agencyId), new Date());
      return json(response, 200, view, { etag: `"${view.version}"` });
    }
    const indicator = indicatorPath.exec(path);
    if (request.method === 'PUT' && indicator) {
      const year = Number(indicator[1]);
      const agencyId = indicator[2] ?? '';
      const indicatorNo = Number(indicator[3]);
      const operator = await operatorOf(request, writeScopes, agencyId);
      if (operator === undefined) return json(response, 401, {});
      const expectedVersion = Number(String(request.headers['if-match'] ?? '').replaceAll('"', ''));
      const answer = JSON.parse(await readBody(request)) as AnswerBody;
      await countRequest(operator.callerKey, 'write');
      const loaded = await load(year, agencyId);
      const { header } = loaded.state;
      const before = loaded.state.answers.get(indicatorNo);
      const now = new Date();
      const at = now.toISOString();
      const actor = {
        subject: operator.subject,
        role: 'agency',
        agencyId,
        requestId: crypto.randomUUID(),
        route: 'bare',
        now,
      } as const;
      const stored: StoredAnswer = { indicatorNo, ...answer, updatedAt: at, updatedBy: operator.subject };
      const answers = new Map(loaded.state.answers).set(indicatorNo, stored);
      const written = {
        status: 'draft',
        version: expectedVersion + 1,
        answeredCount: answers.size,
        createdAt: header?.createdAt ?? at,
        updatedAt: at,
      } as const;
      const actions = [
        ...selfAssessmentActions(tableName, {
          kind: 'self-assessment.answers',
          year,
          agencyId,
          expectedVersion,
          header: written,
          answers: [stored],
        }),
        auditAction(
          tableName,
          auditEntry(
            actor,
            { kind: 'cycle-agency', year, agencyId },
            'self-assessment.answer.saved',
            `indicator ${indicatorNo}`,
            diffFields(before, answer, ['level', 'explanation', 'evidence']),
          ),
          0,
        ),
        ...stateActions(tableName, { kind: 'cycle.unchanged', year, version: loaded.cycle.version }),
        ...stateActions(tableName, { kind: 'agency.active', agencyId }),
      ];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: actions }));
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') return json(response, 412, {});
        throw error;
      }
      const view = selfAssessmentView({ ...loaded, state: { header: written, answers } }, now);
      return json(response, 200, view, { etag: `"${view.version}"` });
    }
    return json(response, 404, {});
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('Bare server failure', error);
      if (!response.headersSent) json(response, 500, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
