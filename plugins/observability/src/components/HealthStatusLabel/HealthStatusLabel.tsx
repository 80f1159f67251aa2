import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { HealthStatus } from '@fleetobs/plugin-observability-common';

export const STATUS_LABELS: Record<HealthStatus, string> = {
  ok: 'OK',
  warn: 'Warning',
  critical: 'Critical',
  unknown: 'Unknown',
};

/** A status shown as an icon and a word, so that it does not rely on colour alone. */
export function HealthStatusLabel(props: {
  status: HealthStatus;
  text?: string;
}) {
  const text = props.text ?? STATUS_LABELS[props.status];
  switch (props.status) {
    case 'ok':
      return <StatusOK>{text}</StatusOK>;
    case 'warn':
      return <StatusWarning>{text}</StatusWarning>;
    case 'critical':
      return <StatusError>{text}</StatusError>;
    default:
      return <StatusPending>{text}</StatusPending>;
  }
}
