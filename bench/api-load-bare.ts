/**
 * The floor of the `api-load` bench: a bare `node:http` server that answers the same three requests
 * with the same DynamoDB calls as the API routes' documented minimum (docs/access-patterns.md), the
 * same items and conditions (the write path's pure action builders), through a DocumentClient with
 * the project's settings — and nothing else: no token check, no validation, no middleware, no domain
 * view (it returns the items it read).
 *
 * - `GET /v1/agencies/{agencyId}`: GetItem (consistent) of the profile (`getAgency`).
 * - `GET /v1/cycles/{year}/agencies/{agencyId}/self-assessment`: BatchGetItem of cycle and agency
 *   (`getCycleAndAgency`) beside the Query of header and answers (`loadSelfAssessment`), in parallel.
 * - `PUT …/self-assessment/indicators/{no}`: the same two reads, then one TransactWriteItems of the
 *   header (conditional on the If-Match version and still a draft), the answer and its audit record
 *   (`commitChange`). 412 when the condition fails.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { auditEntry } from '../shared/domain/actor.ts';
import { diffFields } from '../shared/domain/audit.ts';
import type { Level } from '../shared/domain/framework/types.ts';
import { auditAction } from '../shared/dynamodb/audit-store.ts';
import { agencyKeys, cycleAgencyPartition, cycleKeys } from '../shared/dynamodb/keys.ts';
import { selfAssessmentActions } from '../shared/dynamodb/self-assessment-store.ts';
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
): Promise<BareServer> => {
  const context = (year: number, agencyId: string) =>
    client.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: { Keys: [cycleKeys.cycle(year), agencyKeys.profile(agencyId)], ConsistentRead: true },
        },
      }),
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
      const [found, items] = await Promise.all([context(year, agencyId), load(year, agencyId)]);
      return json(response, 200, { context: found.Responses?.[tableName], items: items.Items });
    }
    const indicator = indicatorPath.exec(path);
    if (request.method === 'PUT' && indicator) {
      const year = Number(indicator[1]);
      const agencyId = indicator[2] ?? '';
      const indicatorNo = Number(indicator[3]);
      const expectedVersion = Number(String(request.headers['if-match'] ?? '').replaceAll('"', ''));
      const answer = JSON.parse(await readBody(request)) as AnswerBody;
      const [, items] = await Promise.all([context(year, agencyId), load(year, agencyId)]);
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
