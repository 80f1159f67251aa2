export { ClusterDrawer, ClusterDetails } from './ClusterDrawer';
