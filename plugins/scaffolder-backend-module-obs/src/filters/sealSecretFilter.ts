import {
  CreatedTemplateFilter,
  createTemplateFilter,
} from '@backstage/plugin-scaffolder-node/alpha';
import { SEALING_SCOPES, SealingScope, sealValue } from '../lib/sealing';
import { sealingKeyFor } from '../lib/sealingKeys';
import { ObsSettings } from '../lib/settings';

/**
 * Template filter `obsSealSecret`: seals one value for a SealedSecret's `encryptedData`,
 * kubeseal-compatible, with the configured controller certificate.
 *
 * `${{ secrets.token | obsSealSecret('monitoring', 'thanos-objstore', 'strict', parameters.name) }}`
 *
 * @public
 */
export function createSealSecretFilter(options: {
  settings: ObsSettings;
}): CreatedTemplateFilter<any, any> {
  const { settings } = options;
  return createTemplateFilter({
    id: 'obsSealSecret',
    description:
      'Seals a value (kubeseal-compatible) for the given namespace, name, scope (strict | namespace-wide | cluster-wide) and optional cluster; returns the base64 encryptedData value.',
    examples: [
      {
        description:
          'Seal a token for monitoring/thanos-objstore of the new cluster',
        example: `\${{ secrets.token | obsSealSecret('monitoring', 'thanos-objstore', 'strict', parameters.name) }}`,
      },
    ],
    schema: z =>
      z
        .function()
        .args(
          z.string().describe('value to seal'),
          z.string().describe('namespace'),
          z.string().describe('name'),
          z.string().optional().describe('scope, default strict'),
          z.string().optional().describe('cluster whose certificate to use'),
        )
        .returns(z.string()),
    filter: (value, namespace, name, scope, cluster) => {
      const s = (scope ?? 'strict') as SealingScope;
      if (!SEALING_SCOPES.includes(s)) {
        throw new Error(
          `obsSealSecret: scope must be one of ${SEALING_SCOPES.join(', ')}`,
        );
      }
      if (s !== 'cluster-wide' && !namespace) {
        throw new Error(`obsSealSecret: namespace is required for scope ${s}`);
      }
      const key = sealingKeyFor(settings, { cluster: cluster || undefined });
      return sealValue(
        key,
        Buffer.from(String(value ?? ''), 'utf8'),
        s,
        namespace,
        name,
      );
    },
  });
}
