export interface Config {
  app?: {
    /**
     * LOCAL DEMO ONLY (app-config.demo.yaml): demo catalog users offered on the
     * sign-in page next to guest; each signs in through the back end's `demo`
     * auth provider, which must be configured too (`auth.providers.demo`).
     * @visibility frontend
     */
    demoUsers?: string[];
  };
}
