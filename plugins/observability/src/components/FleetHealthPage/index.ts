export { FleetHealthPage, FleetHealthContent } from './FleetHealthPage';
