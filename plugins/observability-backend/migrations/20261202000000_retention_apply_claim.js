// @ts-check

/**
 * Starting the apply task of an approved retention request exactly once, across
 * replicas and crashes: the scaffolder task that applies it (set once, compare-and-set),
 * and the claim of the replica that is starting it (a token and when it was taken, so
 * that the claim of a replica that died can be taken over).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('obs_retention_requests', table => {
    table
      .string('apply_task_id', 255)
      .nullable()
      .comment(
        'The scaffolder task that applies the approved change; set once',
      );
    table
      .string('apply_claim', 64)
      .nullable()
      .comment('Token of the replica that is starting the apply task');
    table.timestamp('apply_claimed_at', { useTz: true }).nullable();
    table
      .integer('apply_attempts')
      .notNullable()
      .defaultTo(0)
      .comment('How many times an apply task start was claimed');
  });
  // Before this migration the task id lived in the pull_request JSON only.
  const rows = await knex('obs_retention_requests')
    .whereNotNull('pull_request')
    .select('id', 'pull_request');
  for (const row of rows) {
    let taskId;
    try {
      taskId = JSON.parse(row.pull_request)?.taskId;
    } catch {
      taskId = undefined;
    }
    if (typeof taskId === 'string' && taskId) {
      await knex('obs_retention_requests')
        .where({ id: row.id })
        .update({ apply_task_id: taskId });
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('obs_retention_requests', table => {
    table.dropColumn('apply_attempts');
    table.dropColumn('apply_claimed_at');
    table.dropColumn('apply_claim');
    table.dropColumn('apply_task_id');
  });
};
