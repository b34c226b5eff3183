import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  resourceServerIdentifier,
  type ScopeName,
  scopeDescriptions,
  scopeNames,
} from '../../shared/api/access.ts';

/**
 * Properties of {@link SpbeUserPool}.
 */
export interface SpbeUserPoolProps {
  /** Deployment stage (`dev`, `prod`, …): part of the hosted-domain prefix; `dev` pools may be deleted. */
  readonly stage: string;
  /**
   * Where the portal may be sent back after sign-in (authorization code flow); `https://` URLs, or
   * `http://localhost` for development.
   * @default ['http://localhost:5173/callback']
   */
  readonly portalCallbackUrls?: readonly string[];
  /**
   * The pre-token-generation trigger (functions/identity/pre-token.ts) that copies `custom:role` and
   * `custom:agency_id` into access tokens — users' from their attributes, machine clients' from their
   * registration. Attached with event version V3_0 so client-credentials tokens are covered too (V2_0
   * only sees user sign-ins). Without it, access tokens carry no role and the API answers 403.
   * @default - no trigger
   */
  readonly preTokenGeneration?: IFunction;
}

/**
 * The identity provider used when no external issuer is configured: a Cognito user pool whose
 * resource server (`spbe`) carries the API's scopes, a confidential machine client (client
 * credentials, for integration partners) and a public portal client (authorization code with PKCE).
 *
 * API Gateway's JWT authorizer checks Cognito access tokens' `client_id` against the audience, so the
 * audience is the two client ids.
 */
export class SpbeUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly machineClient: cognito.UserPoolClient;
  readonly portalClient: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: SpbeUserPoolProps) {
    super(scope, id);
    const callbackUrls = [...(props.portalCallbackUrls ?? ['http://localhost:5173/callback'])];
    for (const url of callbackUrls) {
      if (!/^https:\/\/[^\s]+$/.test(url) && !/^http:\/\/localhost(:\d+)?(\/[^\s]*)?$/.test(url)) {
        throw new Error(
          `SpbeUserPool: portal callback URL "${url}" is not allowed by Cognito; ` +
            'use an https:// URL (or http://localhost for development).',
        );
      }
    }
    const isDev = props.stage === 'dev';

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Accounts are issued by the Kemenpan RB review team, never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Operators submit evidence for their government and admins publish national results: a
      // stolen password alone must not be enough.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Plus: threat protection (compromised-credential and adaptive-risk checks) and access-token
      // customisation, which the pre-token-generation trigger needs to put role claims into access tokens.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      // Read by shared/http/identity.ts as `custom:role` and `custom:agency_id`. Custom attributes can
      // never be removed or renamed on a pool, so their names are part of the contract.
      customAttributes: {
        role: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
        agency_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      deletionProtection: !isDev,
      // Outside dev the pool holds every official's account: keep it if the stack goes.
      removalPolicy: isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    if (props.preTokenGeneration !== undefined) {
      // Access-token customisation needs the Essentials or Plus plan (the pool is on Plus, above).
      this.userPool.addTrigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        props.preTokenGeneration,
        cognito.LambdaVersion.V3_0,
      );
    }

    const resourceServerScopes = new Map<ScopeName, cognito.ResourceServerScope>(
      scopeNames.map((name) => [
        name,
        new cognito.ResourceServerScope({ scopeName: name, scopeDescription: scopeDescriptions[name] }),
      ]),
    );
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: resourceServerIdentifier,
      scopes: [...resourceServerScopes.values()],
    });
    const apiScopes = [...resourceServerScopes.values()].map((scope) =>
      cognito.OAuthScope.resourceServer(resourceServer, scope),
    );

    // The token endpoint (client credentials) and the hosted sign-in live on this domain. The account
    // id makes the prefix unique across AWS, as Cognito requires.
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `spbe-award-${props.stage}-${Aws.ACCOUNT_ID}` },
    });

    this.machineClient = this.userPool.addClient('MachineClient', {
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes: apiScopes },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    // Users may not write their own role or agency: only admins set them (AdminUpdateUserAttributes).
    const userWritable = new cognito.ClientAttributes().withStandardAttributes({ fullname: true });
    this.portalClient = this.userPool.addClient('PortalClient', {
      // A browser app cannot keep a secret; the authorization code flow uses PKCE instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.PROFILE,
          ...apiScopes,
        ],
        callbackUrls,
        logoutUrls: callbackUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      writeAttributes: userWritable,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A working day: officials sign in again each morning.
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
  }

  /** The `iss` of this pool's tokens. */
  get issuer(): string {
    return this.userPool.userPoolProviderUrl;
  }

  /** What API Gateway matches against a Cognito access token's `client_id`. */
  get audience(): readonly string[] {
    return [this.machineClient.userPoolClientId, this.portalClient.userPoolClientId];
  }

  /** OAuth 2.0 token endpoint for machine clients (client credentials). */
  get tokenEndpoint(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}
