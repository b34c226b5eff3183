import { describe, expect, it } from 'vitest';
import { secondStartRefusal } from '#local/running.ts';

/**
 * `npm start` twice in one checkout: the second would start another DynamoDB Local on the same files
 * in .local-data/ (and, on stopping, remove the first one's record, so `npm run rankings` would start
 * a third), and `--fresh` would wipe the data under the running one.
 */

describe('a second npm start in the same checkout', () => {
  it('is refused while the first runs, naming its process and address and what to do', () => {
    // Act
    const refusal = secondStartRefusal({
      pid: 4242,
      apiUrl: 'http://127.0.0.1:3000',
      dynamodbEndpoint: 'http://127.0.0.1:41000',
    });

    // Assess
    expect(refusal).toBe(
      'npm start is already running in this checkout (process 4242, the API at http://127.0.0.1:3000), on ' +
        'the same data in .local-data/: use that one, or stop it first (Ctrl-C in its terminal, or kill 4242). ' +
        'If process 4242 is not npm start, delete .local-data/running.json.',
    );
  });

  it('is let through when none runs (no record, or the record of a process that has gone)', () => {
    expect(secondStartRefusal(undefined)).toBeUndefined();
  });
});
