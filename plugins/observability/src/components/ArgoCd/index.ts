export { ArgoCdSection } from './ArgoCdSection';
export { ArgoCdSummaryLine } from './ArgoCdSummaryLine';
