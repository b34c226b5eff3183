import { Duration, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { corsAllowedRequestHeaders, corsExposedResponseHeaders } from '../../shared/api/access.ts';
import { headRouteKeyOf, type LambdaName, type RouteSpec, routeKeyOf } from '../../shared/api/route-spec.ts';
import { pascalCase } from '../naming.ts';

/** Stage-wide limits for all clients together; per-client limits live in the Lambdas. */
export interface ApiThrottle {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a short burst above the rate. */
  readonly burstLimit: number;
}

/**
 * 100 req/s steady, 200 burst: several times the busiest hour we expect (hundreds of agencies
 * uploading before a deadline), yet low enough that a runaway client cannot use up the account's
 * Lambda concurrency or run up the on-demand DynamoDB bill.
 */
export const defaultApiThrottle: ApiThrottle = { rateLimit: 100, burstLimit: 200 };

/**
 * Properties of {@link SpbeHttpApi}.
 */
export interface SpbeHttpApiProps {
  /** The route table (`shared/api/routes.ts`): one API Gateway route per entry, and a HEAD twin per GET entry. */
  readonly routes: readonly RouteSpec[];
  /** The function serving each capability; every capability a route names must have one. */
  readonly functions: ReadonlyMap<LambdaName, IFunction>;
  /** `iss` the JWT authorizer accepts: an `https://` URL. */
  readonly jwtIssuer: string;
  /** `aud` (or Cognito's `client_id`) values the JWT authorizer accepts; at least one. */
  readonly jwtAudience: readonly string[];
  /**
   * Origins allowed by CORS preflight (`https://portal.example.go.id`). Empty: no CORS configuration,
   * so browsers on other origins cannot call the API.
   * @default []
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * How long access logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Default route throttling of the stage.
   * @default defaultApiThrottle (100 req/s, burst 200)
   */
  readonly throttle?: ApiThrottle;
}

/**
 * The HTTP API: one route per route-table entry, each pointing at its capability's function; routes
 * that need a token get the JWT authorizer and their scopes, public routes none. The `$default` stage
 * writes JSON access logs and throttles by default.
 */
export class SpbeHttpApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** Routes by route key (`GET /v1/health`, `HEAD /v1/health`, `$default`). */
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: SpbeHttpApiProps) {
    super(scope, id);
    validateProps(props);
    const corsAllowedOrigins = props.corsAllowedOrigins ?? [];
    const throttle = props.throttle ?? defaultApiThrottle;

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'SPBE evaluation and Digital Government Award API',
      // Our own stage below: the generated default stage can neither log nor throttle.
      createDefaultStage: false,
      corsPreflight:
        corsAllowedOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...corsAllowedOrigins],
              allowMethods: corsMethodsOf(props.routes),
              allowHeaders: [...corsAllowedRequestHeaders],
              exposeHeaders: [...corsExposedResponseHeaders],
              // Bearer tokens, not cookies: browsers need no credentialed CORS.
              allowCredentials: false,
              maxAge: Duration.hours(1),
            },
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    const integrations = new Map<LambdaName, HttpLambdaIntegration>();
    const integrationFor = (capability: LambdaName): HttpLambdaIntegration => {
      let integration = integrations.get(capability);
      if (integration === undefined) {
        const handler = props.functions.get(capability);
        // validateProps has checked every route's capability has a function.
        if (handler === undefined)
          throw new Error(`SpbeHttpApi: no function for capability "${capability}".`);
        integration = new HttpLambdaIntegration(`${pascalCase(capability)}Integration`, handler, {
          // One permission for the whole API instead of one per route: a function's resource policy is
          // capped at 20 KB, which a capability with dozens of routes would otherwise outgrow.
          scopePermissionToRoute: false,
        });
        integrations.set(capability, integration);
      }
      return integration;
    };

    const routes = new Map<string, apigw.HttpRoute>();
    for (const route of props.routes) {
      const isJwt = route.access.kind === 'jwt';
      const scopes = route.access.kind === 'jwt' ? route.access.scopes : [];
      const addRoute = (id: string, method: apigw.HttpMethod, routeKey: string) => {
        const httpRoute = new apigw.HttpRoute(this.httpApi, id, {
          httpApi: this.httpApi,
          routeKey: apigw.HttpRouteKey.with(route.path, method),
          integration: integrationFor(route.lambda),
          authorizer: isJwt ? authorizer : undefined,
          // API Gateway admits a token carrying any one of these; none listed: any valid token.
          authorizationScopes: scopes.length > 0 ? [...scopes] : undefined,
        });
        if (!isJwt) {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `Public by design in shared/api/routes.ts (${route.operationId}: ${route.summary}).`,
          });
        }
        routes.set(routeKey, httpRoute);
      };
      // The operation id names the construct: stable, meaningful, and free of the `/` a path would bring.
      addRoute(`Route${pascalCase(route.operationId)}`, apigw.HttpMethod[route.method], routeKeyOf(route));
      // API Gateway matches a HEAD request to no GET route, so each GET route gets its HEAD twin with
      // the same function, authorizer and scopes (RFC 9110 §9.1: HEAD wherever GET is served).
      const headKey = headRouteKeyOf(route);
      if (headKey !== undefined) {
        addRoute(`Route${pascalCase(route.operationId)}Head`, apigw.HttpMethod.HEAD, headKey);
      }
    }
    // Requests matching no route reach the public function, which answers a problem+json 404 (or 405)
    // naming the path, instead of API Gateway's bare {"message":"Not Found"}.
    const fallback = new apigw.HttpRoute(this.httpApi, 'RouteDefault', {
      httpApi: this.httpApi,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: integrationFor('public'),
    });
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The $default route only answers problem+json 404s for unknown paths; it serves no data.',
    });
    routes.set('$default', fallback);
    this.routes = routes;
  }

  /** The API's base URL, e.g. `https://abc123.execute-api.ap-southeast-3.amazonaws.com/`. */
  get url(): string {
    return this.stage.url;
  }
}

/**
 * One JSON object per request (CloudWatch Logs Insights parses it without patterns). Who called
 * (`sub`, `clientId`) is kept as part of the audit trail of a government programme.
 */
const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
  sub: '$context.authorizer.claims.sub',
  clientId: '$context.authorizer.claims.client_id',
  userAgent: '$context.identity.userAgent',
} as const;

const corsMethodsOf = (routes: readonly RouteSpec[]): apigw.CorsHttpMethod[] => [
  ...new Set(routes.map((route) => apigw.CorsHttpMethod[route.method])),
  apigw.CorsHttpMethod.OPTIONS,
];

const originPattern = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

const validateProps = (props: SpbeHttpApiProps): void => {
  if (!Token.isUnresolved(props.jwtIssuer) && !props.jwtIssuer.startsWith('https://')) {
    throw new Error(
      `SpbeHttpApi: jwtIssuer must be an https:// URL (API Gateway fetches its JWKS), got "${props.jwtIssuer}".`,
    );
  }
  if (props.jwtAudience.length === 0) {
    throw new Error(
      'SpbeHttpApi: jwtAudience is empty; give at least one audience (or client id) the authorizer accepts.',
    );
  }
  for (const origin of props.corsAllowedOrigins ?? []) {
    if (!originPattern.test(origin)) {
      throw new Error(
        `SpbeHttpApi: CORS origin "${origin}" is not allowed; give scheme and host only, lower case, no ` +
          'path or trailing slash and no wildcard, e.g. "https://portal.example.go.id" (http only for localhost).',
      );
    }
  }
  const throttle = props.throttle;
  const throttleIsValid =
    throttle === undefined ||
    (Number.isInteger(throttle.rateLimit) &&
      throttle.rateLimit > 0 &&
      Number.isInteger(throttle.burstLimit) &&
      throttle.burstLimit >= throttle.rateLimit);
  if (!throttleIsValid) {
    throw new Error(
      `SpbeHttpApi: throttle must have whole positive rateLimit and burstLimit ≥ rateLimit, got ${JSON.stringify(throttle)}.`,
    );
  }
  const seen = new Set<string>();
  for (const route of props.routes) {
    const key = routeKeyOf(route);
    if (seen.has(key)) {
      throw new Error(
        `SpbeHttpApi: route "${key}" appears twice in the route table; keep one entry per route key.`,
      );
    }
    seen.add(key);
    if (!route.path.startsWith('/')) {
      throw new Error(`SpbeHttpApi: route "${key}" must have a path starting with "/".`);
    }
    if (!props.functions.has(route.lambda)) {
      throw new Error(
        `SpbeHttpApi: route "${key}" names capability "${route.lambda}", which has no function; ` +
          `create functions/${route.lambda}/handler.ts and its function in the stack.`,
      );
    }
  }
};
