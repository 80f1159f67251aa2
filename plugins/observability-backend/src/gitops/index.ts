export * from './applications';
export * from './router';
export * from './targetRevisions';
