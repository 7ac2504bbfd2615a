/** The planning core: pure and deterministic; the solver is the only thing it loads. */
export { plan, planWith } from './plan.js';
export { replan, type Replanned } from './replan.js';
export { aiseg2Plan, surplusWindow, type Aiseg2Context, type Aiseg2Plan } from './aiseg2.js';
export { loadSolver } from './solver.js';
export * from './types.js';
