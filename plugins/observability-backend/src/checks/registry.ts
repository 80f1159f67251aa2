import { alertRoutingCheck } from './alertRouting';
import { alertRulesCheck } from './alertRules';
import { argocdHealthCheck } from './argocdHealth';
import { argocdSyncCheck } from './argocdSync';
import { bucketPrefixCheck } from './bucketPrefix';
import { certExpiryCheck } from './certExpiry';
import { compactorCheck } from './compactor';
import { CheckDescriptor } from './defineCheck';
import { elastalertCheck } from './elastalert';
import { esClusterHealthCheck } from './esClusterHealth';
import { externalLabelsCheck } from './externalLabels';
import { globalQueryStoreCheck } from './globalQueryStore';
import { ilmCheck } from './ilm';
import { jaegerQueryCheck } from './jaegerQuery';
import { logFreshnessCheck } from './logFreshness';
import { objectStorageCheck } from './objectStorage';
import { prometheusHaCheck } from './prometheusHa';
import { revisionDriftCheck } from './revisionDrift';
import { sidecarShippingCheck } from './sidecarShipping';
import { spanFreshnessCheck } from './spanFreshness';
import { storeGatewayCheck } from './storeGateway';
import { grafanaReachableCheck, kibanaReachableCheck } from './uiReachability';

let checks: readonly CheckDescriptor[] | undefined;

/**
 * Every fleet health check, in the order they are shown. A new check is a file
 * exporting a descriptor (`defineCheck`), added here. (A function, not a constant:
 * the check files make results through `describeCheck`, which reads this list, so it
 * is built on first use, once every check module has loaded. For the same reason a
 * check module imports `./defineCheck` before `./result`.)
 */
export function fleetChecks(): readonly CheckDescriptor[] {
  checks ??= [
    prometheusHaCheck,
    sidecarShippingCheck,
    bucketPrefixCheck,
    objectStorageCheck,
    compactorCheck,
    storeGatewayCheck,
    globalQueryStoreCheck,
    externalLabelsCheck,
    alertRoutingCheck,
    alertRulesCheck,
    esClusterHealthCheck,
    jaegerQueryCheck,
    logFreshnessCheck,
    elastalertCheck,
    spanFreshnessCheck,
    ilmCheck,
    certExpiryCheck,
    kibanaReachableCheck,
    grafanaReachableCheck,
    argocdSyncCheck,
    argocdHealthCheck,
    revisionDriftCheck,
  ] as readonly CheckDescriptor<any>[];
  return checks;
}
