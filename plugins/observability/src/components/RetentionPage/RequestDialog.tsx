import { useApi, alertApiRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  RetentionRequest,
  retentionRequestApprovePermission,
} from '@fleetobs/plugin-observability-common';
import { useState } from 'react';
import { errorText, observabilityApiRef } from '../../api';
import { CostEstimateView, RetentionDiffTable } from '../RetentionField';
import { SIGNAL_LABELS } from './fields';

export function RequestDialog(props: {
  request?: RetentionRequest;
  currentUser?: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { request, onClose, onChanged } = props;
  const api = useApi(observabilityApiRef);
  const alertApi = useApi(alertApiRef);
  const { allowed: canApprove } = usePermission({
    permission: retentionRequestApprovePermission,
  });
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  if (!request) return null;
  const own = request.requestedBy === props.currentUser;

  async function decide(decision: 'approve' | 'reject' | 'cancel') {
    setBusy(true);
    try {
      await api.decide(request!.id, decision, comment || undefined);
      alertApi.post({
        message: `Request ${decision}d`,
        severity: 'success',
        display: 'transient',
      });
      setComment('');
      onChanged();
    } catch (e) {
      alertApi.post({ message: errorText(e), severity: 'error' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="retention-request-title"
    >
      <DialogTitle id="retention-request-title">
        {SIGNAL_LABELS[request.signal]} retention of {request.cluster} —{' '}
        {request.state}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Asked by {request.requestedBy}: “{request.justification}”
        </Typography>
        <RetentionDiffTable
          signal={request.signal}
          current={request.current}
          requested={request.requested}
        />
        {request.estimate && <CostEstimateView estimate={request.estimate} />}
        {(request.pullRequest?.url || request.pullRequest?.branch) && (
          <Typography variant="body2" style={{ marginTop: 16 }}>
            Pull request:{' '}
            {request.pullRequest.url ? (
              <a href={request.pullRequest.url}>{request.pullRequest.url}</a>
            ) : null}
            {request.pullRequest.branch
              ? ` (branch ${request.pullRequest.branch})`
              : ''}
          </Typography>
        )}
        {request.state === 'approved' && !request.pullRequest?.url && (
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ marginTop: 16 }}
          >
            Approved: the pull request is being opened.
          </Typography>
        )}
        <Typography variant="h6" style={{ marginTop: 16 }}>
          Audit trail
        </Typography>
        <Table size="small" aria-label="Audit trail">
          <TableBody>
            {request.audit.map((a, i) => (
              <TableRow key={i}>
                <TableCell>{new Date(a.at).toLocaleString()}</TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {a.actor}
                </TableCell>
                <TableCell>
                  {a.from ?? 'new'} → {a.to}
                </TableCell>
                <TableCell>{a.comment}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {request.state === 'pending' && (
          <TextField
            id="retention-decision-comment"
            label="Comment (a rejection needs one)"
            fullWidth
            margin="normal"
            value={comment}
            onChange={e => setComment(e.target.value)}
          />
        )}
      </DialogContent>
      <DialogActions>
        {request.state === 'pending' && own && (
          <Button disabled={busy} onClick={() => decide('cancel')}>
            Cancel request
          </Button>
        )}
        {request.state === 'pending' && canApprove && !own && (
          <>
            <Button
              disabled={busy}
              color="secondary"
              onClick={() => decide('reject')}
            >
              Reject
            </Button>
            <Button
              disabled={busy}
              color="primary"
              variant="contained"
              onClick={() => decide('approve')}
            >
              Approve
            </Button>
          </>
        )}
        {request.state === 'pending' && canApprove && own && (
          <Typography variant="caption" color="textSecondary">
            Someone else must approve your own request.
          </Typography>
        )}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
