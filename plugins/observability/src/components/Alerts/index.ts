export { AlertsSection } from './AlertsSection';
export { AlertsSummaryLine } from './AlertsSummaryLine';
export { useCurrentEntityRef } from './useAlerts';
