export { RetentionPage, RetentionContent } from './RetentionPage';
