import {
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  TextField,
  makeStyles,
} from '@material-ui/core';
import { HEALTH_STATUSES } from '@fleetobs/plugin-observability-common';
import { STATUS_LABELS } from '../HealthStatusLabel';

const useStyles = makeStyles(theme => ({
  control: { minWidth: 180, marginRight: theme.spacing(2) },
}));

export interface FleetFilterValue {
  environment: string;
  status: string;
  /** The filter box's text, as typed (the page sends it to the server debounced). */
  text: string;
}

export function FleetFilters(props: {
  environments: string[];
  value: FleetFilterValue;
  onChange: (value: FleetFilterValue) => void;
}) {
  const classes = useStyles();
  const { value, onChange } = props;
  return (
    <div>
      <FormControl className={classes.control} size="small">
        <InputLabel id="fleet-filter-environment">Environment</InputLabel>
        <Select
          labelId="fleet-filter-environment"
          value={value.environment}
          onChange={e =>
            onChange({ ...value, environment: String(e.target.value) })
          }
        >
          <MenuItem value="">All</MenuItem>
          {props.environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl className={classes.control} size="small">
        <InputLabel id="fleet-filter-status">Status</InputLabel>
        <Select
          labelId="fleet-filter-status"
          value={value.status}
          onChange={e => onChange({ ...value, status: String(e.target.value) })}
        >
          <MenuItem value="">All</MenuItem>
          <MenuItem value="not-ok">Not OK</MenuItem>
          {HEALTH_STATUSES.map(status => (
            <MenuItem key={status} value={status}>
              {STATUS_LABELS[status]}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        className={classes.control}
        size="small"
        label="Filter"
        placeholder="Name or environment"
        inputProps={{ 'aria-label': 'Filter clusters', maxLength: 100 }}
        value={value.text}
        onChange={e => onChange({ ...value, text: e.target.value })}
      />
    </div>
  );
}
