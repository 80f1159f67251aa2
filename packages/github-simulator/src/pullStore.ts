import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A pull request as stored; the API answers are built from it (see format.ts). */
export interface PullRecord {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  maintainer_can_modify: boolean;
  /** Branch names in this repository; sha as of the last write (live values come from the refs). */
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  /** Login of the author. */
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  merged_by: string | null;
}

interface PullFile {
  version: 1;
  next_number: number;
  pulls: PullRecord[];
}

/** The file, inside the bare git directory, that holds the pull requests. */
export const PULLS_FILE = 'github-simulator-pulls.json';

/**
 * Pull-request records in one JSON file next to the repository's objects, replaced
 * atomically (temp file + rename). Callers serialize writes (WriteQueue).
 */
export class PullStore {
  readonly file: string;

  constructor(gitDir: string) {
    this.file = join(gitDir, PULLS_FILE);
  }

  private async load(): Promise<PullFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { version: 1, next_number: 1, pulls: [] };
      }
      throw error;
    }
    const data = JSON.parse(text) as PullFile;
    if (data.version !== 1 || !Array.isArray(data.pulls)) {
      throw new Error(`${this.file}: not a pull-request file of version 1`);
    }
    return data;
  }

  async list(): Promise<PullRecord[]> {
    return (await this.load()).pulls;
  }

  async get(number: number): Promise<PullRecord | undefined> {
    return (await this.load()).pulls.find(pull => pull.number === number);
  }

  /** Reads, lets `change` edit the records (and allocate numbers), writes atomically. */
  async update<T>(
    change: (data: { pulls: PullRecord[]; allocate(): number }) => T,
  ): Promise<T> {
    const data = await this.load();
    const result = change({
      pulls: data.pulls,
      allocate: () => data.next_number++,
    });
    const tmp = `${this.file}.${process.pid}.${randomBytes(6).toString(
      'hex',
    )}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, {
        flag: 'wx',
      });
      await rename(tmp, this.file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return result;
  }
}
