export interface Config {
  permission?: {
    /** Settings of the portal's permission policy (packages/backend/src/modules/permissionPolicy.ts). */
    fleet?: {
      /**
       * Entity refs (groups or users) of the portal's admins: they register and
       * delete catalog locations, delete entities, manage catalog ingestion,
       * dry-run and manage templates, and see and run templates tagged
       * `internal`. Default `group:default/platform-team`. Approving retention
       * change requests is `observability.retention.approvers`, not this.
       */
      admins?: string[];
    };
  };
}
