/** The pure SPBE domain: framework data, exact scoring, improvement plans, rankings and awards. */
export * from './agency-groups.ts';
export * from './awards/index.ts';
export * from './errors.ts';
export * from './framework/index.ts';
export * from './improvement/index.ts';
export * from './ranking/index.ts';
export * from './scoring/index.ts';
