export { createEntitySignalsRouter } from './router';
export type { EntitySignalsRouterOptions } from './router';
export { EntitySignalsService } from './EntitySignalsService';
export type { SignalsQuery } from './EntitySignalsService';
export { DEFAULT_RED_TEMPLATES } from '../config';
export type { SignalsConfig } from '../config';
