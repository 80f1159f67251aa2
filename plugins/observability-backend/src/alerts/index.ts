export { AlertsService, AlertmanagerRefusedError } from './AlertsService';
export { createAlertsRouter } from './router';
export { createAlertmanagerPool, alertmanagerUrlFor } from './AlertmanagerPool';
export type { AlertmanagerPool, AlertmanagerTarget } from './AlertmanagerPool';

export { fleetAlertsRequest } from './fleetAlerts';
