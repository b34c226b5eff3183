export type { ImprovementOptions, ImprovementPlan, ImprovementStep, ImprovementTarget } from './plan.ts';
export { planImprovement } from './plan.ts';
