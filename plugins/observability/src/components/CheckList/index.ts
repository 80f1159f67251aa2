export { CheckList, CheckItem } from './CheckList';
