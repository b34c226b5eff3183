import type { FunctionDependencies } from '#shared/dependencies.ts';
import { createCapabilityHandler } from '#shared/http/capability-handler.ts';

export const createRegistryHandler = (dependencies: FunctionDependencies) =>
  createCapabilityHandler('registry', {}, { logger: dependencies.logger, corsAllowedOrigins: dependencies.config.corsAllowedOrigins });
