import { alertRoutingCheck } from './alertRouting';
import { certExpiryCheck } from './certExpiry';
import { compactorCheck } from './compactor';
import { CheckDescriptor } from './defineCheck';
import { esClusterHealthCheck } from './esClusterHealth';
import { externalLabelsCheck } from './externalLabels';
import { globalQueryStoreCheck } from './globalQueryStore';
import { ilmCheck } from './ilm';
import { jaegerQueryCheck } from './jaegerQuery';
import { logFreshnessCheck } from './logFreshness';
import { prometheusHaCheck } from './prometheusHa';
import { sidecarShippingCheck } from './sidecarShipping';
import { spanFreshnessCheck } from './spanFreshness';
import { storeGatewayCheck } from './storeGateway';

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
    compactorCheck,
    storeGatewayCheck,
    globalQueryStoreCheck,
    externalLabelsCheck,
    alertRoutingCheck,
    esClusterHealthCheck,
    jaegerQueryCheck,
    logFreshnessCheck,
    spanFreshnessCheck,
    ilmCheck,
    certExpiryCheck,
  ] as readonly CheckDescriptor<any>[];
  return checks;
}
