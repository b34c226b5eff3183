/**
 * The load generator of the `api-load` bench, in a process of its own (forked by `api-load.ts`) so
 * that autocannon's work never shares an event loop with the server it measures. It waits for one
 * {@link LoadRun} at a time over IPC, runs autocannon, and answers with a {@link LoadResult}.
 *
 * Saves need the current version in If-Match. Each connection takes a free agency of the run
 * (`slots`) when it builds a request and gives it back when the answer arrives, keeping the ETag that
 * answer carries: one save at a time per agency, each from the version the previous one produced, so
 * saves succeed and any 412 is a real failure (counted in `non2xx`).
 */
import autocannon from 'autocannon';

export interface LoadTarget {
  readonly path: string;
  readonly token?: string;
  /** The agency's version when the run starts (saves only). */
  readonly version?: number;
}

export interface LoadRun {
  readonly kind: 'read' | 'save';
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** Requests go round these (reads); saves take a free one each (see above). */
  readonly targets: readonly LoadTarget[];
}

export interface LoadResult {
  readonly durationSeconds: number;
  /** Answers with a 2xx status. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Latency percentiles of every answer, in ms (autocannon's histogram). */
  readonly p50: number;
  readonly p99: number;
  /** Status codes seen other than 2xx, with their counts, and the first such body (for the report). */
  readonly unexpected: Readonly<Record<string, number>>;
  readonly firstUnexpectedBody?: string;
}

interface Slot {
  readonly path: string;
  readonly token?: string;
  etag: string;
  busy: boolean;
  saves: number;
}

interface SlotContext {
  slot?: Slot;
}

const headerValue = (headers: Record<string, unknown>, name: string): string | undefined => {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
};

const run = async (load: LoadRun): Promise<LoadResult> => {
  const unexpected: Record<string, number> = {};
  let firstUnexpectedBody: string | undefined;
  const note = (status: number, body: string) => {
    if (status >= 200 && status < 300) return;
    unexpected[status] = (unexpected[status] ?? 0) + 1;
    firstUnexpectedBody ??= body.slice(0, 500);
  };

  let next = 0;
  const readRequest: autocannon.Request = {
    method: 'GET',
    setupRequest: (request) => {
      const target = load.targets[next++ % load.targets.length] as LoadTarget;
      return {
        ...request,
        path: target.path,
        headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      };
    },
    onResponse: (status, body) => note(status, body),
  };

  const slots: Slot[] = load.targets.map((target) => ({
    path: target.path,
    ...(target.token ? { token: target.token } : {}),
    etag: `"${target.version ?? 0}"`,
    busy: false,
    saves: 0,
  }));
  const saveRequest: autocannon.Request = {
    method: 'PUT',
    setupRequest: (request, context) => {
      const slot = slots.find((candidate) => !candidate.busy);
      if (slot === undefined) throw new Error('Every agency of the run is busy: give the run more targets.');
      slot.busy = true;
      slot.saves += 1;
      (context as SlotContext).slot = slot;
      return {
        ...request,
        path: slot.path,
        headers: {
          authorization: `Bearer ${slot.token ?? ''}`,
          'content-type': 'application/json',
          'if-match': slot.etag,
        },
        // A different explanation and level each time: a save that changes nothing writes nothing.
        body: JSON.stringify({
          level: 1 + (slot.saves % 5),
          explanation: `Penjelasan uji beban, simpan ke-${slot.saves}.`,
          evidence: [
            {
              title: 'Data dukung uji beban',
              url: 'https://spbe.example.go.id/uji-beban/data-dukung.pdf',
              mediaType: 'application/pdf',
            },
          ],
        }),
      };
    },
    onResponse: (status, body, context, headers) => {
      const slot = (context as SlotContext).slot;
      if (slot === undefined) return;
      const etag = headerValue(headers as Record<string, unknown>, 'etag');
      if (status === 200 && etag !== undefined) slot.etag = etag;
      slot.busy = false;
      note(status, body);
    },
  };

  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    pipelining: 1,
    duration: load.seconds,
    requests: [load.kind === 'save' ? saveRequest : readRequest],
  });
  return {
    durationSeconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    unexpected,
    ...(firstUnexpectedBody === undefined ? {} : { firstUnexpectedBody }),
  };
};

process.on('message', (message: LoadRun) => {
  run(message).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
