import { CodeSnippet } from '@backstage/core-components';
import {
  ANNOTATION_CLUSTERS,
  ANNOTATION_JAEGER_SERVICE_COMMUNITY,
  ANNOTATION_KIBANA_INDEX_PATTERN,
  ANNOTATION_SERVICE_NAME,
  SignalsTarget,
} from '@fleetobs/plugin-observability-common';
import { Box, Paper, Typography } from '@material-ui/core';

/** The annotations a service needs, as YAML to paste into its catalog-info.yaml. */
export function annotationSnippet(target: SignalsTarget): string {
  const value = (key: string, fallback: string) =>
    target.annotations[key] ?? fallback;
  return [
    'metadata:',
    '  annotations:',
    `    # The service label of its metrics and the service.name of its logs`,
    `    ${ANNOTATION_SERVICE_NAME}: ${value(
      ANNOTATION_SERVICE_NAME,
      target.service,
    )}`,
    `    # The clusters it runs in (comma-separated)`,
    `    ${ANNOTATION_CLUSTERS}: ${value(
      ANNOTATION_CLUSTERS,
      target.clusters?.join(',') ?? 'dev-01,stag-01,prod-01',
    )}`,
    `    ${ANNOTATION_KIBANA_INDEX_PATTERN}: '${value(
      ANNOTATION_KIBANA_INDEX_PATTERN,
      target.indexPattern,
    )}'`,
    `    # The service name its spans have in Jaeger`,
    `    ${ANNOTATION_JAEGER_SERVICE_COMMUNITY}: ${value(
      ANNOTATION_JAEGER_SERVICE_COMMUNITY,
      target.jaegerService,
    )}`,
  ].join('\n');
}

/** "This service has no data yet": what was looked for, and what to add. */
export function NoDataPanel(props: {
  target: SignalsTarget;
  rangeLabel: string;
}) {
  const { target } = props;
  return (
    <Paper component="section" aria-labelledby="no-data-heading">
      <Box p={2}>
        <Typography variant="h6" component="h2" id="no-data-heading">
          This service has no data yet
        </Typography>
        <Typography variant="body2" component="p" paragraph>
          In the last {props.rangeLabel}, Thanos has no request metrics with{' '}
          <code>service=&quot;{target.service}&quot;</code>, Elasticsearch no
          error logs with <code>service.name: {target.service}</code> in{' '}
          <code>{target.indexPattern}</code>, and Jaeger no traces of{' '}
          <code>{target.jaegerService}</code>
          {target.clusters ? ` in ${target.clusters.join(', ')}` : ''}.
        </Typography>
        <Typography variant="body2" component="p" paragraph>
          If the service is deployed and instrumented under other names, add
          these annotations to its <code>catalog-info.yaml</code>
          {target.missingAnnotations.length > 0
            ? ` (it has none of ${target.missingAnnotations.join(', ')} yet)`
            : ''}
          , or pick a longer time range.
        </Typography>
        <CodeSnippet
          language="yaml"
          text={annotationSnippet(target)}
          showCopyCodeButton
        />
      </Box>
    </Paper>
  );
}
