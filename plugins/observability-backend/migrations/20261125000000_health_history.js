// @ts-check

/**
 * Health history: the current status of every cluster / signal / check ("since when")
 * and every transition between statuses.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('obs_health_state', table => {
    table.comment('Current status of each cluster scope, and since when');
    table.string('cluster', 255).notNullable();
    table
      .string('scope', 255)
      .notNullable()
      .comment('overall, a signal (metrics), or signal/check-id');
    table.string('status', 16).notNullable();
    table.text('summary').nullable();
    table.timestamp('since', { useTz: true }).notNullable();
    table.primary(['cluster', 'scope']);
  });
  await knex.schema.createTable('obs_health_transitions', table => {
    table.comment(
      'Status transitions of cluster scopes, kept for a configurable time',
    );
    table.bigIncrements('id').primary();
    table.string('cluster', 255).notNullable();
    table.string('scope', 255).notNullable();
    table.string('from_status', 16).nullable();
    table.string('to_status', 16).notNullable();
    table.text('summary').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['cluster', 'at'], 'obs_health_transitions_cluster_at_idx');
    table.index(['at'], 'obs_health_transitions_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('obs_health_transitions');
  await knex.schema.dropTable('obs_health_state');
};
