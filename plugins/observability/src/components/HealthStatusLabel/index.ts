export { HealthStatusLabel, STATUS_LABELS } from './HealthStatusLabel';
export { durationSince } from './since';
