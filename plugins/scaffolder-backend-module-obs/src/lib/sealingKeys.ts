import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { SealingKey, loadSealingKey } from './sealing';
import { ObsSettings, SEALED_SECRETS_FETCH_TIMEOUT_KEY } from './settings';

/** Config key of a cluster's sealed-secrets controller certificate. */
export const clusterCertificateKey = (cluster: string) =>
  `observability.sealedSecrets.clusters.${cluster}.certificate`;

/** Largest answer taken from a controller: a certificate is a few KiB. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** Header of the Kubernetes plugin's proxy that names the target cluster. */
export const KUBERNETES_CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/** What to seal for: a certificate given with the input, or a cluster. */
export interface SealingTarget {
  certificate?: string;
  cluster?: string;
}

/**
 * The certificate config decides on, or the cluster whose controller must be asked.
 * Throws when there is neither a cluster nor a fleet-wide certificate.
 */
function configuredSealingKey(
  settings: ObsSettings,
  options: SealingTarget,
  now: Date,
): { key: SealingKey } | { fetchFor: string } {
  const { sealedSecrets } = settings;
  if (options.certificate) {
    return { key: loadSealingKey(options.certificate, 'certificate', now) };
  }
  const { cluster } = options;
  if (
    cluster &&
    Object.prototype.hasOwnProperty.call(sealedSecrets.clusters, cluster)
  ) {
    return {
      key: loadSealingKey(
        sealedSecrets.clusters[cluster],
        clusterCertificateKey(cluster),
        now,
      ),
    };
  }
  if (sealedSecrets.fleetWide) {
    return {
      key: loadSealingKey(
        sealedSecrets.certificate,
        'observability.sealedSecrets.certificate',
        now,
      ),
    };
  }
  if (!cluster) {
    const defaultHint = sealedSecrets.certificate
      ? ' (observability.sealedSecrets.certificate is set but is not declared fleet-wide; set observability.sealedSecrets.fleetWide: true only if every controller of the fleet holds that same key)'
      : '';
    throw new InputError(
      `cluster: required to pick the sealed-secrets controller certificate (${clusterCertificateKey(
        '<cluster>',
      )}, or the one of the cluster's controller), unless a certificate is given or a fleet-wide certificate is configured${defaultHint}`,
    );
  }
  return { fetchFor: cluster };
}

/**
 * The sealed-secrets controller certificate config decides on, without asking any
 * cluster (the synchronous `obsSealSecret` template filter, which cannot wait for a
 * cluster's answer):
 * 1. the `certificate` given with the input;
 * 2. the cluster's own (`observability.sealedSecrets.clusters.<cluster>.certificate`);
 * 3. `observability.sealedSecrets.certificate`, only when the operator declared it the
 *    fleet-wide certificate (`observability.sealedSecrets.fleetWide: true`: every
 *    cluster's controller holds the same key pair).
 * Anything else is refused: a SealedSecret encrypted for another controller's key is
 * committed, synced and never opened by the target cluster. The actions go on to fetch
 * the certificate from the cluster's controller ({@link createSealingKeyResolver}).
 */
export function sealingKeyFor(
  settings: ObsSettings,
  options: SealingTarget,
  now = new Date(),
): SealingKey {
  const choice = configuredSealingKey(settings, options, now);
  if ('key' in choice) return choice.key;
  const cluster = choice.fetchFor;
  const defaultHint = settings.sealedSecrets.certificate
    ? ' (observability.sealedSecrets.certificate is set but is not declared fleet-wide; set observability.sealedSecrets.fleetWide: true only if every controller of the fleet holds that same key)'
    : '';
  throw new InputError(
    `cluster: no sealed-secrets controller certificate is configured for cluster "${cluster}"; set ${clusterCertificateKey(
      cluster,
    )} to the PEM of its controller certificate (kubeseal --fetch-cert), or seal with obs:secret:seal, which fetches it from the cluster${defaultHint}`,
  );
}

/** Picks (or fetches) the certificate to seal for. */
export interface SealingKeyResolver {
  /**
   * In order: the `certificate` given with the input; the cluster's configured
   * certificate (`observability.sealedSecrets.clusters.<cluster>.certificate`); the
   * fleet-wide certificate, only with `observability.sealedSecrets.fleetWide: true`;
   * otherwise the certificate of the cluster's own controller, fetched through the
   * Kubernetes plugin's proxy on behalf of `credentials` (called only then). Never
   * another cluster's certificate: a failed fetch is an error.
   */
  sealingKeyFor(
    options: SealingTarget & {
      credentials: () => Promise<BackstageCredentials>;
    },
    now?: Date,
  ): Promise<SealingKey>;
}

/** Options of {@link createSealingKeyResolver}. */
export interface SealingKeyResolverOptions {
  settings: ObsSettings;
  /** Needed to fetch certificates from clusters; without it only config is used. */
  auth?: AuthService;
  /** Needed to fetch certificates from clusters; without it only config is used. */
  discovery?: DiscoveryService;
}

/** The body of a Backstage error or a Kubernetes `Status`, whichever the answer is. */
function describeAnswer(text: string): {
  source: 'backstage' | 'kubernetes' | 'other';
  message: string;
} {
  try {
    const body = JSON.parse(text);
    if (body?.kind === 'Status' && typeof body.message === 'string') {
      return { source: 'kubernetes', message: body.message };
    }
    if (typeof body?.error?.message === 'string') {
      return { source: 'backstage', message: body.error.message };
    }
  } catch {
    // not JSON
  }
  return {
    source: 'other',
    message: text.replace(/\s+/g, ' ').trim().slice(0, 300),
  };
}

/** Reads at most `limit` bytes of a body, or fails with `tooLarge`. */
async function readLimited(
  response: Response,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches the certificate of `cluster`'s sealed-secrets controller the way
 * `kubeseal --fetch-cert` does (`GET /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/v1/cert.pem`),
 * through the Kubernetes plugin's proxy (`<kubernetes>/proxy`, cluster named by the
 * `Backstage-Kubernetes-Cluster` header), with a token on behalf of `credentials`: the
 * permission policy decides (`kubernetes.proxy`), and the plugin reaches the cluster
 * with its own cluster credentials. The answer is bounded in size and time and must be
 * an RSA certificate valid `now`.
 */
export async function fetchControllerCertificate(options: {
  settings: ObsSettings;
  auth: AuthService;
  discovery: DiscoveryService;
  cluster: string;
  credentials: BackstageCredentials;
  now?: Date;
}): Promise<SealingKey> {
  const { settings, auth, discovery, cluster, credentials } = options;
  const now = options.now ?? new Date();
  const {
    controllerNamespace: namespace,
    controllerName: name,
    controllerPort: port,
    fetchTimeoutMs,
  } = settings.sealedSecrets;
  const service = `${namespace}/${name}:${port}`;
  const apiPath = `/api/v1/namespaces/${encodeURIComponent(
    namespace,
  )}/services/${encodeURIComponent(name)}:${encodeURIComponent(
    port,
  )}/proxy/v1/cert.pem`;
  const configHint = `set ${clusterCertificateKey(
    cluster,
  )} to its certificate (kubeseal --fetch-cert) instead`;
  const fail = (what: string, hint?: string) =>
    new InputError(
      `cluster: could not fetch the certificate of the sealed-secrets controller of cluster "${cluster}" (service ${service}, through the Kubernetes plugin): ${what}${
        hint ? `; ${hint}` : ''
      }`,
    );

  let token: string;
  try {
    ({ token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'kubernetes',
    }));
  } catch (e) {
    throw fail(
      `no token for the Kubernetes plugin on behalf of the user who runs the task (${
        (e as Error).message
      })`,
    );
  }
  const baseUrl = await discovery.getBaseUrl('kubernetes');
  const url = `${baseUrl}/proxy${apiPath}`;

  // One timeout for the whole call: connecting, the answer's headers and its body.
  const signal = AbortSignal.timeout(fetchTimeoutMs);
  const timedOut = () =>
    fail(
      `no answer within ${fetchTimeoutMs} ms (${SEALED_SECRETS_FETCH_TIMEOUT_KEY})`,
    );
  const tooLarge = () =>
    fail(`the answer is larger than ${MAX_CERTIFICATE_BYTES} bytes`);
  const withTimeout = <T>(work: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const onTimeout = () => reject(timedOut());
      if (signal.aborted) {
        onTimeout();
        return;
      }
      signal.addEventListener('abort', onTimeout, { once: true });
      work
        .then(resolve, e => reject(signal.aborted ? timedOut() : e))
        .finally(() => signal.removeEventListener('abort', onTimeout));
    });

  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        Authorization: `Bearer ${token}`,
        [KUBERNETES_CLUSTER_HEADER]: cluster,
        Accept: 'application/x-pem-file, text/plain, */*',
      },
      redirect: 'manual',
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw timedOut();
    throw fail(
      `the Kubernetes plugin is not reachable at ${baseUrl} (${
        (e as Error).message
      })`,
    );
  }
  let text: string;
  try {
    text = await withTimeout(
      readLimited(response, MAX_CERTIFICATE_BYTES, tooLarge),
    );
  } catch (e) {
    await response.body?.cancel().catch(() => undefined);
    if (e instanceof InputError) throw e;
    throw fail(`the answer broke off (${(e as Error).message})`);
  }

  if (!response.ok) {
    const { source, message } = describeAnswer(text);
    const said = message ? `: ${message}` : '';
    const { status } = response;
    if (status === 404 && source === 'backstage') {
      throw fail(
        `the Kubernetes plugin does not know cluster "${cluster}" (404${said})`,
        `register it with the Kubernetes plugin (a kubernetes-cluster Resource in the catalog, or kubernetes.clusterLocatorMethods), or ${configHint}`,
      );
    }
    if (status === 404) {
      throw fail(
        `the controller was not found (404${said})`,
        `check observability.sealedSecrets.controllerNamespace, controllerName and controllerPort, or ${configHint}`,
      );
    }
    if (status === 403 && source === 'kubernetes') {
      throw fail(
        `permission denied by the cluster's API server to the Kubernetes plugin's credentials (403${said})`,
        `they need get on services/proxy in namespace ${namespace}, or ${configHint}`,
      );
    }
    if (status === 403) {
      throw fail(
        `permission denied (403${said}): the permission policy does not let the user who runs the task use the Kubernetes plugin's proxy (kubernetes.proxy)`,
      );
    }
    if (status === 401) {
      throw fail(
        `the ${
          source === 'kubernetes'
            ? "cluster's API server did not accept the Kubernetes plugin's credentials"
            : "Kubernetes plugin did not accept the task's credentials"
        } (401${said})`,
      );
    }
    if (status >= 300 && status < 400) {
      throw fail(`unexpected redirect (${status})`);
    }
    if (status >= 500) {
      throw fail(
        `the cluster's API server or its controller is not reachable (${status}${said})`,
        configHint,
      );
    }
    throw fail(`unexpected answer ${status}${said}`);
  }

  const pem =
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!pem) {
    const { message } = describeAnswer(text);
    throw fail(
      `the answer is not a PEM certificate${
        message ? ` (${JSON.stringify(message.slice(0, 80))})` : ' (empty)'
      }`,
    );
  }
  return loadSealingKey(
    pem[0],
    `cluster: the certificate fetched from the sealed-secrets controller of cluster "${cluster}" (service ${service})`,
    now,
  );
}

/**
 * Picks the certificate to seal for from config, or fetches it from the cluster's
 * controller (see {@link SealingKeyResolver}).
 */
export function createSealingKeyResolver(
  options: SealingKeyResolverOptions,
): SealingKeyResolver {
  const { settings, auth, discovery } = options;
  return {
    async sealingKeyFor(target, now = new Date()) {
      const choice = configuredSealingKey(settings, target, now);
      if ('key' in choice) return choice.key;
      const cluster = choice.fetchFor;
      if (!auth || !discovery) {
        throw new InputError(
          `cluster: no sealed-secrets controller certificate is configured for cluster "${cluster}", and it cannot be fetched from the cluster here (no auth and discovery services); set ${clusterCertificateKey(
            cluster,
          )}`,
        );
      }
      return fetchControllerCertificate({
        settings,
        auth,
        discovery,
        cluster,
        credentials: await target.credentials(),
        now,
      });
    },
  };
}
