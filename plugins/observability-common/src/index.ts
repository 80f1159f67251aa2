/**
 * Types, annotations and helpers shared by the Fleet Observability plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './status';
export * from './annotations';
export * from './labels';
export * from './indexPatterns';
export * from './deepLinks';
export * from './permissions';
export * from './duration';
export * from './retention';
export * from './signals';
export * from './retentionValues';
export * from './retentionOwner';
export * from './gitopsRepository';
export * from './alerts';
export * from './argocd';
