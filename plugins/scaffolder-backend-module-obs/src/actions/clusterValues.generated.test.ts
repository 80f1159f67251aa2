import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  actionRunner,
  seedValues,
  settingsFrom,
  VALUES_DIR,
} from '../__testUtils__/fixtures';
import { createClusterValuesAction } from './clusterValues';

// What obs:cluster:values derives and generates for a new cluster (issue 16 points 1, 4,
// 6, 7, 9): object storage, hosts, collectors, retention from config.

describe('obs:cluster:values: generated values', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
  });
  const read = (cluster: string) =>
    YAML.parse(
      fs.readFileSync(
        path.join(mockDir.path, VALUES_DIR, `values.${cluster}.yaml`),
        'utf8',
      ),
    );
  const runner = (observability: Record<string, any> = {}) =>
    actionRunner(
      createClusterValuesAction({ settings: settingsFrom(observability) }),
      () => mockDir.path,
    );
  const create = {
    cluster: 'prod-07',
    environment: 'prod',
    server: 'https://prod-07-k8s.endpoint.kubernetes',
  };

  describe('object storage (point 1)', () => {
    it('is GCS with a bucket of its own, named from config', async () => {
      const { run } = runner({ scaffolder: { bucketPrefix: 'acme' } });
      const { outputs } = await run(create);
      expect(read('prod-07').observability.thanos.objstore).toEqual({
        type: 'GCS',
        bucket: 'acme-thanos-prod-07',
        prefix: 'prod-07',
        secretName: 'thanos-objstore',
        lifecycle: '800d',
      });
      expect(outputs).toMatchObject({
        objstoreType: 'GCS',
        objstoreEndpoint: '',
        bucket: 'acme-thanos-prod-07',
      });
    });

    it('is S3 with its endpoint when asked, the endpoint after the type', async () => {
      const { run } = runner();
      const { outputs } = await run({
        ...create,
        thanos: { type: 'S3', endpoint: 's3.eu-west-1.amazonaws.com' },
      });
      const objstore = read('prod-07').observability.thanos.objstore;
      expect(Object.keys(objstore).slice(0, 3)).toEqual([
        'type',
        'endpoint',
        'bucket',
      ]);
      expect(objstore).toMatchObject({
        type: 'S3',
        endpoint: 's3.eu-west-1.amazonaws.com',
        bucket: 'thanos-prod-07',
      });
      expect(outputs.objstoreEndpoint).toBe('s3.eu-west-1.amazonaws.com');
    });

    it.each([
      [{ type: 'S3' }, /thanos\.endpoint: required for thanos\.type S3/],
      [
        { type: 'GCS', endpoint: 's3.example.com' },
        /thanos\.endpoint: only for thanos\.type S3/,
      ],
      [{ type: 'Azure' }, /thanos/],
      [{ bucket: 'Not_A_Bucket' }, /must be a bucket name/],
    ])('refuses %j, writing nothing', async (thanos, message) => {
      await runner().expectRefused({ ...create, thanos }, message);
    });

    it('takes an empty bucket from the form as "derive it"', async () => {
      const { outputs } = await runner().run({
        ...create,
        thanos: { bucket: '', endpoint: '' },
      });
      expect(outputs.bucket).toBe('thanos-prod-07');
    });

    it('reads files without a type as GCS (tolerant read)', async () => {
      const file = path.join(mockDir.path, VALUES_DIR, 'values.stag-01.yaml');
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace('      type: GCS\n', ''),
      );
      const { outputs } = await runner().run({
        cluster: 'stag-01',
        mode: 'update',
      });
      expect(outputs.objstoreType).toBe('GCS');
    });
  });

  describe('hosts follow the cluster (point 9)', () => {
    it('derives the local Query host from the cluster name and the configured domain', async () => {
      const { run } = runner({ scaffolder: { clusterDomain: 'corp.example' } });
      const { outputs } = await run(create);
      expect(outputs).toMatchObject({
        gatewayHostnames: ['thanos-query.prod-07.corp.example'],
        localQueryEndpoint: 'thanos-query.prod-07.corp.example:443',
      });
    });

    it('keeps given hosts that name the cluster, first one registered', async () => {
      const { outputs } = await runner().run({
        ...create,
        gatewayHostnames: [
          'prod-07-query.example.com',
          'logs.prod-07.example.com',
        ],
      });
      expect(outputs.localQueryEndpoint).toBe('prod-07-query.example.com:443');
    });

    it.each([
      'thanos-query.new-cluster.example.com',
      'thanos-query.prod-071.example.com',
      'thanos-query.prod-01.example.com',
    ])(
      'refuses %s, which does not name prod-07, unless allowed',
      async host => {
        const { expectRefused, run } = runner();
        await expectRefused(
          { ...create, gatewayHostnames: [host] },
          new RegExp(
            `gatewayHostnames: "${host.replace(
              /\./g,
              '\\.',
            )}" does not contain the cluster name prod-07; .*allowHostsWithoutClusterName: true`,
          ),
        );
        const { outputs } = await run({
          ...create,
          gatewayHostnames: [host],
          allowHostsWithoutClusterName: true,
        });
        expect(outputs.localQueryEndpoint).toBe(`${host}:443`);
      },
    );
  });

  describe('Jaeger collectors (point 4)', () => {
    it("write to the siblings' Elasticsearch with credentials, client certificate and the cluster tag as a field", async () => {
      await runner().run(create);
      expect(read('prod-07').observability.tracing).toEqual({
        spanIndexPrefix: 'jaeger',
        collector: {
          elasticsearch: {
            url: read('dev-01').observability.tracing.collector.elasticsearch
              .url,
            credentialsSecret: 'jaeger-es-credentials',
            clientCertSecret: 'jaeger-collector-client-tls',
          },
          tags: { cluster: 'prod-07' },
          tagsAsFields: true,
        },
      });
    });

    it('tag the cluster under the configured cluster label name', async () => {
      const { run } = runner({
        labels: { cluster: 'k8s_cluster', environment: 'env' },
      });
      // The seed files use "cluster": start from an empty folder.
      mockDir.clear();
      await run({ ...create, cluster: 'prod-08' });
      expect(read('prod-08').observability.tracing.collector).toMatchObject({
        tags: { k8s_cluster: 'prod-08' },
        elasticsearch: { url: 'https://elasticsearch.example.com:443' },
      });
    });
  });

  describe('retention (points 6 and 7)', () => {
    it("takes the environment's defaults from config, within its bounds", async () => {
      const { run } = runner({
        retention: {
          defaults: {
            prod: {
              logs: { warmAfter: '14d', deleteAfter: '180d' },
              metrics: {
                raw: '45d',
                fiveMinutes: '1y',
                oneHour: '3y',
                bucketLifecycle: '1200d',
              },
            },
          },
          bounds: { prod: { logs: { minDays: 30, maxDays: 365 } } },
        },
      });
      await run(create);
      const o = read('prod-07').observability;
      expect(o.thanos.compactor.retention).toEqual({
        raw: '45d',
        '5m': '1y',
        '1h': '3y',
      });
      expect(o.thanos.objstore.lifecycle).toBe('1200d');
      expect(o.logging.ilm).toEqual({
        rollover: { maxAge: '1d', maxSize: '50gb' },
        warm: { minAge: '14d' },
        delete: { minAge: '180d' },
      });
      // Trace retention is the fleet's, in the ops file only.
      expect(o.tracing.ilm).toBeUndefined();
    });

    it('fits the built-in defaults into the configured bounds', async () => {
      const { run } = runner({
        retention: { bounds: { dev: { logs: { maxDays: 10 } } } },
      });
      await run({
        cluster: 'dev-07',
        environment: 'dev',
        server: 'https://dev-07-k8s.endpoint.kubernetes',
      });
      expect(read('dev-07').observability.logging.ilm).toEqual({
        rollover: { maxAge: '1d', maxSize: '50gb' },
        warm: { minAge: '7d' },
        delete: { minAge: '10d' },
      });
      // dev's own built-in metrics, not a fixed 30d/90d/1y.
      expect(read('dev-07').observability.thanos.compactor.retention).toEqual({
        raw: '7d',
        '5m': '30d',
        '1h': '90d',
      });
    });

    it('refuses configured defaults outside the bounds at start, naming the key', () => {
      expect(() =>
        settingsFrom({
          retention: {
            defaults: {
              prod: { logs: { warmAfter: '3d', deleteAfter: '7d' } },
            },
            bounds: { prod: { logs: { minDays: 30 } } },
          },
        }),
      ).toThrow(
        /observability\.retention\.defaults\.prod\.logs: deleteAfter keeps 7 days, below the minimum of 30 days/,
      );
    });

    it("writes the fleet's trace policy into the first ops cluster's file only", async () => {
      mockDir.clear();
      const { run } = runner();
      await run({
        cluster: 'ops-02',
        environment: 'ops',
        server: 'https://ops-02-k8s.endpoint.kubernetes',
      });
      expect(read('ops-02').observability.tracing.ilm).toEqual({
        rollover: { maxAge: '1d', maxSize: '50gb' },
        warm: { minAge: '3d' },
        delete: { minAge: '14d' },
      });
    });
  });
});
