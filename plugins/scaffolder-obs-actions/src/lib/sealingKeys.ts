import { SealingKey, loadSealingKey } from './sealing';
import { ObsSettings } from './settings';

/**
 * Picks the sealed-secrets controller certificate: the input's, else the cluster's
 * (`observability.sealedSecrets.clusters.<cluster>.certificate`), else the default.
 */
export function sealingKeyFor(
  settings: ObsSettings,
  options: { certificate?: string; cluster?: string },
  now = new Date(),
): SealingKey {
  if (options.certificate) {
    return loadSealingKey(options.certificate, 'certificate', now);
  }
  if (options.cluster && settings.sealedSecrets.clusters[options.cluster]) {
    return loadSealingKey(
      settings.sealedSecrets.clusters[options.cluster],
      `observability.sealedSecrets.clusters.${options.cluster}.certificate`,
      now,
    );
  }
  return loadSealingKey(
    settings.sealedSecrets.certificate,
    'observability.sealedSecrets.certificate',
    now,
  );
}
