import {
  Content,
  Header,
  Page,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  Box,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
} from '@material-ui/core';
import {
  RetentionRequest,
  RetentionRequestState,
} from '@fleetobs/plugin-observability-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useAsync from 'react-use/esm/useAsync';
import { EffectiveRetentionTable } from './EffectiveRetentionTable';
import { RequestDialog } from './RequestDialog';
import { errorText, observabilityApiRef } from '../../api';
import { SIGNAL_LABELS } from './fields';

const STATES: RetentionRequestState[] = [
  'pending',
  'approved',
  'applied',
  'failed',
  'rejected',
  'cancelled',
];

const columns: TableColumn<RetentionRequest>[] = [
  { title: 'Cluster', field: 'cluster', highlight: true },
  { title: 'Signal', render: r => SIGNAL_LABELS[r.signal] },
  { title: 'State', field: 'state' },
  { title: 'Asked by', field: 'requestedBy' },
  { title: 'Why', field: 'justification' },
  { title: 'Asked', render: r => new Date(r.createdAt).toLocaleString() },
];

/** Retention today, and the change requests with their approval. */
export function RetentionContent() {
  const api = useApi(observabilityApiRef);
  const identityApi = useApi(identityApiRef);
  const [state, setState] = useState<RetentionRequestState | ''>('');
  const [selected, setSelected] = useState<string>();
  const effective = useAsync(() => api.getEffectiveRetention(), [api]);
  const requests = useAsyncRetry(
    () => api.listRequests({ state: state || undefined }),
    [api, state],
  );
  const user = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const selectedRequest = requests.value?.items.find(r => r.id === selected);

  return (
    <>
      {effective.loading && <Progress />}
      {effective.error && (
        <WarningPanel
          severity="error"
          title="Could not read the retention today"
          message={errorText(effective.error)}
        />
      )}
      {effective.value && (
        <EffectiveRetentionTable clusters={effective.value.clusters} />
      )}
      <Box mt={4}>
        {requests.error && (
          <WarningPanel
            severity="error"
            title="Could not list the requests"
            message={errorText(requests.error)}
          />
        )}
        <FormControl size="small" style={{ minWidth: 200, marginBottom: 8 }}>
          <InputLabel id="retention-state-filter">State</InputLabel>
          <Select
            labelId="retention-state-filter"
            value={state}
            onChange={e =>
              setState(e.target.value as RetentionRequestState | '')
            }
          >
            <MenuItem value="">All</MenuItem>
            {STATES.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Table<RetentionRequest>
          title="Change requests"
          isLoading={requests.loading}
          options={{ paging: false, padding: 'dense', search: true }}
          data={requests.value?.items ?? []}
          columns={columns}
          onRowClick={(_e, row) => row && setSelected(row.id)}
          emptyContent={
            <Box p={2}>
              No requests. Ask for a change with the “Change retention”
              template.
            </Box>
          }
        />
      </Box>
      <RequestDialog
        request={selectedRequest}
        currentUser={user.value?.userEntityRef}
        onClose={() => setSelected(undefined)}
        onChanged={requests.retry}
      />
    </>
  );
}

/** @public */
export function RetentionPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Retention"
        subtitle="How long metrics, logs and traces are kept, and requests to change it"
      />
      <Content>
        <RetentionContent />
      </Content>
    </Page>
  );
}
