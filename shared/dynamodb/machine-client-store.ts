import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { MachineClientSchema } from '#shared/api/registry/schemas.ts';
import type { MachineClientStore, RegistryStateChange } from '#shared/services/registry/ports.ts';
import { translateStorageError, versionCondition } from './errors.ts';
import { recordFromItem } from './items.ts';
import { machineClientKeys } from './keys.ts';
import type { StateActionBuilders, TransactAction } from './write-path.ts';

/** Pure: a registration, created or replaced at the version the caller read. */
export const machineClientActions = (
  tableName: string,
  { client, before }: Extract<RegistryStateChange, { kind: 'machine-client' }>,
): TransactAction[] => [
  {
    Put: {
      TableName: tableName,
      Item: { ...machineClientKeys.registration(client.clientId), entity: 'MachineClient', ...client },
      ...versionCondition(before?.version),
    },
  },
];

/** The write path's builders of machine-client changes (`createWritePath`). */
export const machineClientWrites = {
  'machine-client': machineClientActions,
} as const satisfies StateActionBuilders;

/**
 * Machine-client registrations: the item the Cognito pre-token-generation trigger reads
 * (`functions/identity/pre-token-trigger.ts`) to put a role and an agency into client-credentials
 * tokens. `consistent: false` suits the trigger (a registration is read long after it is written).
 */
export const createMachineClientStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { consistentRead?: boolean } = {},
): MachineClientStore => ({
  get: async (clientId) => {
    const result = await client
      .send(
        new GetCommand({
          TableName: tableName,
          Key: machineClientKeys.registration(clientId),
          ConsistentRead: options.consistentRead ?? true,
        }),
      )
      .catch(translateStorageError);
    return result.Item ? recordFromItem(MachineClientSchema, result.Item) : undefined;
  },
});
