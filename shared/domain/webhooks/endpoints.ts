/**
 * The most webhook endpoints one agency may have. Every event of the agency goes to each of them,
 * so the limit bounds what one event costs; the registration's transaction counts it (the agency's
 * `webhookEndpointCount`), so registrations sent at once cannot pass it either.
 */
export const endpointsPerAgency = 10;
