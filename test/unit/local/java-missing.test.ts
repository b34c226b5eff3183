import { afterEach, describe, expect, it } from 'vitest';
import { JavaMissingError, startDynamoDbLocal } from '#local/dynamodb-local.ts';

describe('DynamoDB Local without Java', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });

  it('fails with a message that says what to install', async () => {
    // Prepare: no java on PATH
    process.env.PATH = '/nonexistent';

    // Act + Assess
    const failure = startDynamoDbLocal();
    await expect(failure).rejects.toBeInstanceOf(JavaMissingError);
    await expect(failure).rejects.toThrow(/Java 17.*apt-get install openjdk-17-jre-headless/s);
  });
});
