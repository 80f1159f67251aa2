export { HealthStatusLabel } from './HealthStatusLabel';
