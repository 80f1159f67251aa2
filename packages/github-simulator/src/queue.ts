/**
 * One in-process queue for every write (objects, refs, pull-request records): each job
 * starts when the previous one has settled, so concurrent requests cannot interleave
 * their read-check-write steps.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
