// @ts-check

/**
 * Retention change requests and their audit trail.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('obs_retention_requests', table => {
    table.comment('Self-service retention change requests');
    table.string('id', 36).primary();
    table.string('cluster', 255).notNullable();
    table.string('signal', 16).notNullable();
    table.string('state', 16).notNullable();
    table.text('requested').notNullable().comment('JSON RetentionSettings');
    table.text('current').nullable().comment('JSON RetentionSettings');
    table.text('estimate').nullable().comment('JSON RetentionCostEstimate');
    table.text('justification').notNullable();
    table.string('requested_by', 255).notNullable();
    table
      .text('pull_request')
      .nullable()
      .comment('JSON { url, branch, taskId }');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['cluster'], 'obs_retention_requests_cluster_idx');
    table.index(['state'], 'obs_retention_requests_state_idx');
  });
  await knex.schema.createTable('obs_retention_audit', table => {
    table.comment('Every transition of a retention request: who, when, why');
    table.bigIncrements('id').primary();
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('obs_retention_requests')
      .onDelete('CASCADE');
    table.string('actor', 255).notNullable();
    table.string('from_state', 16).nullable();
    table.string('to_state', 16).notNullable();
    table.text('comment').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['request_id'], 'obs_retention_audit_request_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('obs_retention_audit');
  await knex.schema.dropTable('obs_retention_requests');
};
