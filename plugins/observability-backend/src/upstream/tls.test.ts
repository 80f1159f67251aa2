import { testTls } from '../__testUtils__/testTls';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { UpstreamHttp } from './httpJson';
import { UpstreamError } from './UpstreamError';

const tls = testTls;

// A real HTTPS server that requires a client certificate signed by the test CA.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(
    {
      key: tls('server.key'),
      cert: tls('server.crt'),
      ca: tls('ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as any).getPeerCertificate();
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ status: 'success', data: peer?.subject?.CN ?? null }),
      );
    },
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise(resolve => server.close(resolve)));

const schema = z.object({ status: z.string(), data: z.string().nullable() });

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('mTLS', () => {
  it('presents the client certificate and trusts the configured CA', async () => {
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: base,
      timeoutMs: 5000,
      tls: {
        ca: tls('ca.crt'),
        cert: tls('client.crt'),
        key: tls('client.key'),
      },
    });
    await expect(client.get('/api/v1/stores', schema)).resolves.toEqual({
      status: 'success',
      data: 'backstage-observability',
    });
    await client.close();
  });

  it('reports an untrusted server certificate as a TLS failure without leaking the key', async () => {
    const key = tls('client.key');
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: base,
      timeoutMs: 5000,
      tls: { ca: tls('other-ca.crt'), cert: tls('client.crt'), key },
    });
    const error = await failure(client.get('/api/v1/stores', schema));
    expect(error.kind).toBe('tls');
    expect(error.message).toMatch(
      /^TLS failure talking to thanos at \/api\/v1\/stores: [A-Z_]+/,
    );
    expect(error.message).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(error)).not.toContain(key.slice(40, 80));
    await client.close();
  });

  it('reports a rejected (missing) client certificate as a TLS or network failure', async () => {
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: base,
      timeoutMs: 5000,
      tls: { ca: tls('ca.crt') },
    });
    const error = await failure(client.get('/api/v1/stores', schema));
    expect(['tls', 'network']).toContain(error.kind);
    await client.close();
  });
});
