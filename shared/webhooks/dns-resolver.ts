import { promises as dns, type LookupAddress } from 'node:dns';
import type { AddressResolver } from '#shared/services/webhooks/ports.ts';

type Lookup = (hostname: string, options: { all: true; verbatim: true }) => Promise<LookupAddress[]>;

/** Answers that mean "this name has no address", as opposed to "DNS did not answer". */
const noSuchName = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * The registration check's DNS: every A and AAAA address of a name, through the system resolver
 * (`getaddrinfo`, as the delivery's connection will use). Tests pass a stub `lookup`.
 */
export const createDnsResolver = (lookup: Lookup = dns.lookup): AddressResolver => ({
  resolve: async (hostname) => {
    try {
      const addresses = await lookup(hostname, { all: true, verbatim: true });
      return addresses.map((entry) => entry.address);
    } catch (error) {
      if (noSuchName.has((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  },
});
