import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  FiringAlert,
  formatMatcher,
} from '@fleetobs/plugin-observability-common';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { errorText, observabilityApiRef } from '../../api';
import { silenceMatchersFor } from './alertFilters';

/** Durations offered; the back end refuses one over its configured maximum, with the reason. */
export const SILENCE_DURATIONS: Array<{ label: string; minutes: number }> = [
  { label: '1 hour', minutes: 60 },
  { label: '4 hours', minutes: 240 },
  { label: '1 day', minutes: 1440 },
  { label: '3 days', minutes: 4320 },
  { label: '7 days', minutes: 10080 },
];

/** "Silence…": duration, comment and the matchers of one alert, posted to its cluster's Alertmanager. */
export function SilenceDialog(props: {
  alert: FiringAlert;
  entityRef?: string;
  onClose: () => void;
  onSilenced: () => void;
}) {
  const { alert, entityRef, onClose, onSilenced } = props;
  const api = useApi(observabilityApiRef);
  const alertApi = useApi(alertApiRef);
  const [minutes, setMinutes] = useState(SILENCE_DURATIONS[0].minutes);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const matchers = silenceMatchersFor(alert);

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createSilence({
        cluster: alert.cluster,
        ...(entityRef ? { entityRef } : {}),
        matchers,
        durationMinutes: minutes,
        comment: comment.trim(),
      });
      alertApi.post({
        message: `Silenced ${alert.name} in ${alert.cluster} until ${new Date(
          created.endsAt,
        ).toLocaleString()}`,
        severity: 'success',
        display: 'transient',
      });
      onSilenced();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        Silence {alert.name} in {alert.cluster}
      </DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          margin="normal"
          label="Duration"
          value={minutes}
          onChange={e => setMinutes(Number(e.target.value))}
          inputProps={{ 'data-testid': 'silence-duration' }}
        >
          {SILENCE_DURATIONS.map(d => (
            <MenuItem key={d.minutes} value={d.minutes}>
              {d.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          fullWidth
          required
          multiline
          minRows={2}
          margin="normal"
          label="Comment"
          helperText="Why, and what is being done about it (shown in Alertmanager)"
          value={comment}
          onChange={e => setComment(e.target.value)}
          inputProps={{ maxLength: 1000, 'data-testid': 'silence-comment' }}
        />
        <Typography variant="subtitle2">Matchers</Typography>
        <Box
          display="flex"
          flexWrap="wrap"
          style={{ gap: 4 }}
          data-testid="silence-matchers"
        >
          {matchers.map(m => (
            <Chip key={m.name} size="small" label={formatMatcher(m)} />
          ))}
        </Box>
        {error && (
          <Typography color="error" role="alert" style={{ marginTop: 16 }}>
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || comment.trim() === ''}
          onClick={submit}
        >
          Silence
        </Button>
      </DialogActions>
    </Dialog>
  );
}
