export * from './applications';
export * from './router';
export * from './targetRevisions';
export * from './entityRouter';
export { EntityGitopsService } from './EntityGitopsService';
