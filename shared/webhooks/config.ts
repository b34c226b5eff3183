/**
 * Webhook configuration from the environment, read once at cold start.
 */

/**
 * The development setting: when `true`, webhook endpoints may be `http://127.0.0.1:<port>` (local
 * demos and tests) and the delivery client may connect to 127.0.0.1 over plain HTTP. Only the local
 * runtime sets it; the CDK stack never does (an infrastructure test asserts it).
 */
export const loopbackDevSetting = 'WEBHOOKS_ALLOW_LOOPBACK_HTTP';

/** Where the dispatcher's attempts wait (SQS queue URL), set by the stack on the dispatcher functions. */
export const deliveryQueueSetting = 'WEBHOOK_DELIVERY_QUEUE_URL';

export interface WebhookConfig {
  readonly allowLoopbackHttp: boolean;
  readonly deliveryQueueUrl: string | undefined;
}

export const loadWebhookConfig = (
  environment: Readonly<Record<string, string | undefined>> = process.env,
): WebhookConfig => ({
  allowLoopbackHttp: environment[loopbackDevSetting] === 'true',
  deliveryQueueUrl: environment[deliveryQueueSetting] || undefined,
});

/** For the dispatcher functions: the queue is required, and its absence is named. */
export const requireDeliveryQueueUrl = (config: WebhookConfig): string => {
  if (config.deliveryQueueUrl === undefined) {
    throw new Error(`Invalid function configuration — ${deliveryQueueSetting}: required`);
  }
  return config.deliveryQueueUrl;
};
