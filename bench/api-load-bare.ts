/**
 * The floor of the `api-load` bench: a bare `node:http` server that answers the same three requests
 * with the same DynamoDB calls as the API routes' documented minimum (docs/access-patterns.md), the
 * same items and conditions (the write path's pure action builders), through a DocumentClient with
 * the project's settings — and nothing else: no token check, no validation, no middleware, no domain
 * view (it returns the items it read).
 *
 * Every request first counts against its caller's limit as the API does (`countRequest`: the same
 * conditional UpdateItem on the rate-limit table, under a budget it never reaches), then:
 * - `GET /v1/agencies/{agencyId}`: GetItem (consistent) of the profile (`getAgency`).
 * - `GET /v1/cycles/{year}/agencies/{agencyId}/self-assessment`: the Query of header and answers
 *   (`loadSelfAssessment`); the cycle is read once and kept, as the API keeps it (≤ 60 s) per container.
 * - `PUT …/self-assessment/indicators/{no}`: the same Query, then one TransactWriteItems of the
 *   header (conditional on the If-Match version and still a draft), the answer, its audit record and
 *   the checks that the cycle is unchanged and the agency active (`commitChange`). 412 when the
 *   condition fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { auditEntry } from '../shared/domain/actor.ts';
import { diffFields } from '../shared/domain/audit.ts';
import type { Level } from '../shared/domain/framework/types.ts';
import { auditAction } from '../shared/dynamodb/audit-store.ts';
import { agencyKeys, cycleAgencyPartition, cycleKeys } from '../shared/dynamodb/keys.ts';
import { rateLimitUpdate } from '../shared/dynamodb/rate-limit-store.ts';
import { selfAssessmentActions } from '../shared/dynamodb/self-assessment-store.ts';
import { stateActions } from '../shared/dynamodb/state-actions.ts';
import type { EvidenceReference } from '../shared/services/self-assessment/ports.ts';

export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

const agencyPath = /^\/v1\/agencies\/([\w-]+)$/;
const selfAssessmentPath = /^\/v1\/cycles\/(\d{4})\/agencies\/([\w-]+)\/self-assessment$/;
const indicatorPath = /^\/v1\/cycles\/(\d{4})\/agencies\/([\w-]+)\/self-assessment\/indicators\/(\d+)$/;

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
): Promise<BareServer> => {
  const cycleVersions = new Map<number, Promise<number>>();
  const cycleVersion = (year: number) => {
    let version = cycleVersions.get(year);
    if (!version) {
      version = client
        .send(new GetCommand({ TableName: tableName, Key: cycleKeys.cycle(year), ConsistentRead: true }))
        .then((found) => Number(found.Item?.version ?? 0));
      cycleVersions.set(year, version);
    }
    return version;
  };
  const countRequest = (request: IncomingMessage, name: 'public' | 'read' | 'write') =>
    client.send(
      new UpdateCommand(
        rateLimitUpdate(rateLimitTableName, {
          callerKey: String(request.headers.authorization ?? request.socket.remoteAddress),
          policy: { name, quota: 999_999_999, windowSeconds: 60 },
          now: new Date(),
        }),
      ),
    );
  const load = (year: number, agencyId: string) =>
    client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :self)',
        ExpressionAttributeValues: { ':pk': cycleAgencyPartition(year, agencyId), ':self': 'SELF' },
        ConsistentRead: true,
      }),
    );

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const agency = agencyPath.exec(path);
    if (request.method === 'GET' && agency) {
      await countRequest(request, 'public');
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: agencyKeys.profile(agency[1] ?? ''),
          ConsistentRead: true,
        }),
      );
      return result.Item ? json(response, 200, result.Item) : json(response, 404, {});
    }
    const selfAssessment = selfAssessmentPath.exec(path);
    if (request.method === 'GET' && selfAssessment) {
      const year = Number(selfAssessment[1]);
      const agencyId = selfAssessment[2] ?? '';
      await countRequest(request, 'read');
      const [version, items] = await Promise.all([cycleVersion(year), load(year, agencyId)]);
      return json(response, 200, { cycleVersion: version, items: items.Items });
    }
    const indicator = indicatorPath.exec(path);
    if (request.method === 'PUT' && indicator) {
      const year = Number(indicator[1]);
      const agencyId = indicator[2] ?? '';
      const indicatorNo = Number(indicator[3]);
      const expectedVersion = Number(String(request.headers['if-match'] ?? '').replaceAll('"', ''));
      const answer = JSON.parse(await readBody(request)) as AnswerBody;
      await countRequest(request, 'write');
      const [version, items] = await Promise.all([cycleVersion(year), load(year, agencyId)]);
      const header = items.Items?.find((item) => item.SK === 'SELF');
      const before = items.Items?.find((item) => item.indicatorNo === indicatorNo) as
        | Partial<AnswerBody>
        | undefined;
      const now = new Date();
      const at = now.toISOString();
      const subject = `bare-${agencyId}`;
      const actor = {
        subject,
        role: 'agency',
        agencyId,
        requestId: crypto.randomUUID(),
        route: 'bare',
        now,
      } as const;
      const stored = { indicatorNo, ...answer, updatedAt: at, updatedBy: subject };
      const actions = [
        ...selfAssessmentActions(tableName, {
          kind: 'self-assessment.answers',
          year,
          agencyId,
          expectedVersion,
          header: {
            status: 'draft',
            version: expectedVersion + 1,
            answeredCount: Number(header?.answeredCount ?? 0),
            createdAt: String(header?.createdAt ?? at),
            updatedAt: at,
          },
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
        ...stateActions(tableName, { kind: 'cycle.unchanged', year, version }),
        ...stateActions(tableName, { kind: 'agency.active', agencyId }),
      ];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: actions }));
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') return json(response, 412, {});
        throw error;
      }
      return json(response, 200, { version: expectedVersion + 1 }, { etag: `"${expectedVersion + 1}"` });
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
