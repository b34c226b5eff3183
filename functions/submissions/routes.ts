import type { FunctionDependencies } from '#shared/dependencies.ts';
import { createCapabilityHandler } from '#shared/http/capability-handler.ts';

export const createSubmissionsHandler = (dependencies: FunctionDependencies) =>
  createCapabilityHandler('submissions', {}, { logger: dependencies.logger, corsAllowedOrigins: dependencies.config.corsAllowedOrigins });
