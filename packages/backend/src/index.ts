// The portal back end (new backend system). Each feature is a plugin or module;
// the observability suite is the last block.
import { createBackend } from '@backstage/backend-defaults';
import { authModuleDemoProvider } from './modules/demoAuthProvider';
import { permissionModuleFleetPolicy } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Sign-in: guest for local use (see app-config.production.yaml for real providers).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
// Local demo only: sign in as a demo user (alice, bob) named in a request header;
// registered only when `auth.providers.demo` is configured (app-config.demo.yaml).
backend.add(authModuleDemoProvider);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Users and groups of production: the GitHub organisation of
// `catalog.providers.githubOrg` (app-config.production.yaml). Without that config
// the module adds no provider (the demo takes its org from examples/catalog/org.yaml).
// Entity providers are not subject to `catalog.rules`, which allow User and Group
// from no registered location.
backend.add(import('@backstage/plugin-catalog-backend-module-github-org'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));

// Kubernetes tab of services; clusters from the catalog's kubernetes-cluster
// Resources (see `kubernetes:` in app-config.yaml).
backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
// Catalog locations, entity deletion and internal templates for the admins of
// `permission.fleet.admins`; approving retention change requests for
// `observability.retention.approvers` (both default group:default/platform-team).
backend.add(permissionModuleFleetPolicy);

// Fleet Observability suite
backend.add(import('@fleetobs/plugin-observability-backend'));
backend.add(import('@fleetobs/plugin-scaffolder-backend-module-obs'));

backend.start();
