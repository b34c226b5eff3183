/**
 * Which URLs a webhook endpoint may have (SSRF defence, first line): the checks that need no DNS.
 * The second line — every address the name resolves to must be public unicast — runs at
 * registration (through the resolver port) and again at connect time, on the very address the
 * delivery connects to, so a name that turns private later (DNS rebinding) is refused then.
 */

/** Why a URL is refused without DNS; the problem document's `reason` names it. */
export const urlRefusalReasons = [
  'invalid-url',
  'https-required',
  'credentials',
  'ip-literal',
  'localhost',
  'single-label-host',
  'fragment',
] as const;
export type UrlRefusalReason = (typeof urlRefusalReasons)[number];

/** Why a URL is refused once its name is resolved (registration's DNS check). */
export const addressRefusalReasons = ['unresolvable', 'non-public-address'] as const;
export type AddressRefusalReason = (typeof addressRefusalReasons)[number];

export type UrlVerdict =
  | {
      readonly ok: true;
      /** The URL as the API stores and calls it (WHATWG-normalised). */
      readonly url: string;
      readonly hostname: string;
      /** False only for the development exemption (`http://127.0.0.1:<port>`), which is not resolved. */
      readonly resolve: boolean;
    }
  | { readonly ok: false; readonly reason: UrlRefusalReason; readonly detail: string };

export interface UrlPolicyOptions {
  /**
   * Development only (`npm start`, tests): also accept `http://127.0.0.1:<port>/…` so a receiver on
   * this machine can be registered. The deployed stack never sets it.
   */
  readonly allowLoopbackHttp: boolean;
}

const refuse = (reason: UrlRefusalReason, detail: string): UrlVerdict => ({ ok: false, reason, detail });

// WHATWG URL parsing rewrites every IPv4 spelling (decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1,
// short 127.1) to a dotted quad and keeps IPv6 (IPv4-mapped included) in brackets: after parsing,
// these two shapes are every IP literal there is.
const dottedQuad = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** The development exemption: plain HTTP to this machine's IPv4 loopback, with an explicit port. */
export const isLoopbackDevUrl = (url: URL): boolean =>
  url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '';

/**
 * What the WHATWG parser would silently remove (tab, line feed, carriage return anywhere; C0
 * controls and spaces at either end) or replace (a lone surrogate becomes U+FFFD): refused, so
 * that the URL stored is the URL sent, percent-encoding aside. C1 controls, which it would encode,
 * go too: no URL means one.
 */
const silentlyAltered = /[\p{Cc}\p{Cs}]/u;

const codePointOf = (char: string): string =>
  `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Checks a webhook URL before any DNS is asked: https, no credentials, a DNS name that is not localhost. */
export const checkWebhookUrl = (raw: string, options: UrlPolicyOptions): UrlVerdict => {
  const altered = silentlyAltered.exec(raw)?.[0];
  if (altered !== undefined) {
    return refuse(
      'invalid-url',
      `The URL contains ${codePointOf(altered)}, which a URL cannot carry as is; percent-encode it or remove it.`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('invalid-url', 'Not an absolute URL.');
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      'credentials',
      'The URL must not carry a user name or password; authenticate by signature.',
    );
  }
  if (url.hash !== '') return refuse('fragment', 'The URL must not have a #fragment: it is never sent.');
  if (options.allowLoopbackHttp && isLoopbackDevUrl(url)) {
    return { ok: true, url: url.href, hostname: url.hostname, resolve: false };
  }
  if (url.protocol !== 'https:') {
    return refuse('https-required', `Webhook URLs must use https://, not ${url.protocol}//.`);
  }
  const hostname = url.hostname.replace(/\.$/, '').toLowerCase();
  if (dottedQuad.test(hostname) || hostname.startsWith('[')) {
    return refuse(
      'ip-literal',
      `The host is an IP address (${url.hostname}) in some notation; register a DNS name instead.`,
    );
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    return refuse('localhost', 'The host names this machine (localhost).');
  }
  if (!hostname.includes('.')) {
    return refuse('single-label-host', `"${hostname}" is not a fully qualified domain name.`);
  }
  return { ok: true, url: url.href, hostname, resolve: true };
};
