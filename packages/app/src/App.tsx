import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import observabilityPlugin from '@fleetobs/plugin-observability/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
import { kubernetesLinksModule } from './modules/kubernetesLinks';

export default createApp({
  features: [
    catalogPlugin,
    observabilityPlugin,
    navModule,
    signInModule,
    kubernetesLinksModule,
  ],
});
