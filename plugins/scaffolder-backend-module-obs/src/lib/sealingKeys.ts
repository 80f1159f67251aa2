import { InputError } from '@backstage/errors';
import { SealingKey, loadSealingKey } from './sealing';
import { ObsSettings } from './settings';

/** Config key of a cluster's sealed-secrets controller certificate. */
export const clusterCertificateKey = (cluster: string) =>
  `observability.sealedSecrets.clusters.${cluster}.certificate`;

/**
 * Picks the sealed-secrets controller certificate to seal for:
 * 1. the `certificate` given with the input;
 * 2. the cluster's own (`observability.sealedSecrets.clusters.<cluster>.certificate`);
 * 3. `observability.sealedSecrets.certificate`, only when the operator declared it the
 *    fleet-wide certificate (`observability.sealedSecrets.fleetWide: true`: every
 *    cluster's controller holds the same key pair).
 * Anything else is refused: a SealedSecret encrypted for another controller's key is
 * committed, synced and never opened by the target cluster.
 */
export function sealingKeyFor(
  settings: ObsSettings,
  options: { certificate?: string; cluster?: string },
  now = new Date(),
): SealingKey {
  const { sealedSecrets } = settings;
  if (options.certificate) {
    return loadSealingKey(options.certificate, 'certificate', now);
  }
  const { cluster } = options;
  if (
    cluster &&
    Object.prototype.hasOwnProperty.call(sealedSecrets.clusters, cluster)
  ) {
    return loadSealingKey(
      sealedSecrets.clusters[cluster],
      clusterCertificateKey(cluster),
      now,
    );
  }
  if (sealedSecrets.fleetWide) {
    return loadSealingKey(
      sealedSecrets.certificate,
      'observability.sealedSecrets.certificate',
      now,
    );
  }
  const defaultHint = sealedSecrets.certificate
    ? ' (observability.sealedSecrets.certificate is set but is not declared fleet-wide; set observability.sealedSecrets.fleetWide: true only if every controller of the fleet holds that same key)'
    : '';
  if (!cluster) {
    throw new InputError(
      `cluster: required to pick the sealed-secrets controller certificate (${clusterCertificateKey(
        '<cluster>',
      )}), unless a certificate is given or a fleet-wide certificate is configured${defaultHint}`,
    );
  }
  throw new InputError(
    `cluster: no sealed-secrets controller certificate is configured for cluster "${cluster}"; set ${clusterCertificateKey(
      cluster,
    )} to the PEM of its controller certificate (kubeseal --fetch-cert)${defaultHint}`,
  );
}
