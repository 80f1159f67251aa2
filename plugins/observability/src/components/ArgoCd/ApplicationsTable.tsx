import { Link } from '@backstage/core-components';
import { GitopsApplication } from '@fleetobs/plugin-observability-common';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { formatTime } from '../EntityObservabilityContent/format';
import { HealthStatusLabel } from '../HealthStatusLabel';
import {
  healthStatus,
  phaseStatus,
  shortRevision,
  syncStatus,
} from './argoStatus';

/** One cluster's applications: sync and health (icon and word), revision, last sync. */
export function ApplicationsTable(props: {
  cluster: string;
  applications: GitopsApplication[];
}) {
  return (
    <Table size="small" aria-label={`Argo CD applications in ${props.cluster}`}>
      <TableHead>
        <TableRow>
          <TableCell>Application</TableCell>
          <TableCell>Sync</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Revision</TableCell>
          <TableCell>Last sync</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.applications.map(app => (
          <TableRow key={app.name} data-testid={`argocd-app-${app.name}`}>
            <TableCell>
              <Link to={app.url} target="_blank" rel="noopener noreferrer">
                {app.name}
              </Link>
            </TableCell>
            <TableCell>
              <HealthStatusLabel
                status={syncStatus(app.sync)}
                text={app.sync}
              />
            </TableCell>
            <TableCell>
              <HealthStatusLabel
                status={healthStatus(app.health)}
                text={app.health}
              />
            </TableCell>
            <TableCell>
              {app.revision ? (
                <code title={app.revision}>{shortRevision(app.revision)}</code>
              ) : (
                '—'
              )}
              {app.targetRevision && (
                <Typography variant="caption" display="block">
                  target {app.targetRevision}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {app.operation ? (
                <>
                  <HealthStatusLabel
                    status={phaseStatus(app.operation.phase)}
                    text={app.operation.phase}
                  />
                  {app.operation.finishedAt && (
                    <Typography variant="caption" display="block">
                      {formatTime(app.operation.finishedAt, true)}
                    </Typography>
                  )}
                  {app.operation.phase !== 'Succeeded' &&
                    app.operation.message && (
                      <Typography variant="caption" display="block">
                        {app.operation.message}
                      </Typography>
                    )}
                </>
              ) : (
                'never'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
