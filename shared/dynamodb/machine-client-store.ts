import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { MachineClientRecord, MachineClientStore } from '../services/ports.ts';
import { auditPut } from './audit-store.ts';
import { isConditionFailure, translateStorageError, versionCondition } from './errors.ts';
import { machineClientKeys } from './keys.ts';

/**
 * Machine-client registrations: the item the Cognito pre-token-generation trigger reads
 * (`functions/identity/pre-token-trigger.ts`: attributes `role`, `agencyId`) to put a role and an
 * agency into client-credentials tokens.
 */
export const createMachineClientStore = (
  client: DynamoDBDocumentClient,
  tableName: string,
): MachineClientStore => ({
  get: async (clientId) => {
    const result = await client
      .send(
        new GetCommand({
          TableName: tableName,
          Key: machineClientKeys.registration(clientId),
          ConsistentRead: true,
        }),
      )
      .catch(translateStorageError);
    const item = result.Item;
    if (!item) return undefined;
    return {
      clientId: item.clientId as string,
      role: item.role as MachineClientRecord['role'],
      ...(item.agencyId ? { agencyId: item.agencyId as string } : {}),
      description: item.description as string,
      version: item.version as number,
      createdAt: item.createdAt as string,
      updatedAt: item.updatedAt as string,
    };
  },

  write: async (record, expectedVersion, audit) => {
    const key = machineClientKeys.registration(record.clientId);
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { ...key, entity: 'MachineClient', ...record },
                ...versionCondition(expectedVersion),
              },
            },
            auditPut(tableName, key.PK, audit, 0),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error, 0)) return false;
      return translateStorageError(error);
    }
  },
});
