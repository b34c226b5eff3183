import ipaddr from 'ipaddr.js';

/**
 * Which resolved addresses a webhook may reach: public unicast only. ipaddr.js names every special
 * range (private, loopback, link-local with 169.254.169.254, carrier-grade NAT, unique-local,
 * multicast, reserved, documentation, IPv4-mapped, 6to4, Teredo, …); what it calls `unicast` is
 * public. The connect-time filter (request-filtering-agent) applies exactly this rule —
 * `ipaddr.parse(address).range() === 'unicast'` — so registration and delivery cannot disagree.
 */
export const addressRange = (address: string): string | undefined =>
  ipaddr.isValid(address) ? ipaddr.parse(address).range() : undefined;

export const isPublicUnicast = (address: string): boolean => addressRange(address) === 'unicast';
