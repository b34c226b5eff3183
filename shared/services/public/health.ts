import { ServiceUnavailableError } from '#shared/domain/errors.ts';

export interface TableCheck {
  readonly name: string;
  readonly status: 'ok' | 'failed';
  readonly latencyMs: number;
}

/** Readiness of the storage the function depends on: one cheap read per table. */
export interface HealthProbe {
  check(): Promise<readonly TableCheck[]>;
}

/** Liveness and readiness: 503 naming the failing tables, else the version and server time. */
export const checkHealth = async (probe: HealthProbe, version: string, now: Date) => {
  const checks = [...(await probe.check())];
  const failed = checks.filter((check) => check.status === 'failed');
  if (failed.length > 0) {
    throw new ServiceUnavailableError(
      `${failed.map((check) => check.name).join(', ')} ${failed.length === 1 ? 'does' : 'do'} not answer.`,
      // Probes (a load balancer, a monitor) look again after it; the storage calls' own 503s say 1 s.
      { extensions: { checks }, headers: { 'retry-after': '5' } },
    );
  }
  return { status: 'ok' as const, checks, version, time: now.toISOString() };
};
