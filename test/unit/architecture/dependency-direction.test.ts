import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repositoryViolations, violationsOf } from '#test/helpers/dependency-rules.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('dependency direction: functions → adapters → services → contract → domain', () => {
  it('holds for every file of shared/, functions/ and infra/', () => {
    expect(repositoryViolations(root)).toEqual([]);
  });

  it.each([
    [
      'shared/domain/scoring/bad.ts',
      "import { problemResponse } from '#shared/http/problem-details.ts';",
      'http',
    ],
    ['shared/domain/bad.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", '@aws-sdk'],
    ['shared/domain/bad.ts', "import middy from '@middy/core';", '@middy/core'],
    ['shared/domain/bad.ts', "import type { Context } from 'aws-lambda';", 'aws-lambda'],
    ['shared/services/registry/bad.ts', "import { etagOf } from '../../http/preconditions.ts';", 'http'],
    ['shared/services/bad.ts', "import { GetCommand } from '@aws-sdk/lib-dynamodb';", '@aws-sdk'],
    [
      'shared/services/bad.ts',
      "export { createAgencyStore } from '#shared/dynamodb/agency-store.ts';",
      'dynamodb',
    ],
    [
      'shared/http/bad.ts',
      "import type { AgencyService } from '#shared/services/registry/agencies.ts';",
      'services',
    ],
    ['shared/dynamodb/bad.ts', "import { actorOf } from '../http/actor.ts';", 'http'],
    ['shared/api/bad.ts', "const x = await import('#shared/services/ports.ts');", 'services'],
    ['functions/public/bad.ts', "import { createRegistryHandler } from '../registry/routes.ts';", 'function'],
    ['infra/bad.ts', "import { handler } from '../functions/public/handler.ts';", 'functions'],
    ['infra/bad.ts', "import { createHttpSender } from '../shared/webhooks/http-sender.ts';", 'webhook'],
    ['shared/services/bad.ts', "import { startLocalRuntime } from '#local/runtime.ts';", 'local'],
    ['shared/runtime/transaction-claim.ts', "import { systemClock } from './system.ts';", 'runtime'],
  ])('refuses a wrong-way import in %s: %s', (file, source, named) => {
    // Act
    const violations = violationsOf(file, source);

    // Assess: exactly this import, with a reason naming what it may not reach
    expect(violations).toHaveLength(1);
    expect(violations[0]?.reason).toContain(named);
  });

  it.each([
    ['shared/domain/scoring/score.ts', "import { DomainInputError } from '../errors.ts';"],
    ['shared/services/registry/agencies.ts', "import { diffFields } from '#shared/domain/audit.ts';"],
    [
      'shared/services/registry/agencies.ts',
      "import type { AgencyWrite } from '#shared/api/registry/schemas.ts';",
    ],
    [
      'shared/dynamodb/agency-store.ts',
      "import type { AgencyStore } from '#shared/services/registry/ports.ts';",
    ],
    ['functions/registry/routes.ts', "import { actorOf } from '#shared/http/actor.ts';"],
    ['infra/stack.ts', "import { tableDefinitions } from '../shared/dynamodb/table-definitions.ts';"],
    ['infra/stack.ts', "import { deliveryQueueSetting } from '../shared/webhooks/config.ts';"],
  ])('allows the right way in %s: %s', (file, source) => {
    expect(violationsOf(file, source)).toEqual([]);
  });
});
