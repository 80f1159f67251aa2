import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A file an action wants to write, relative to the workspace. */
export interface PlannedFile {
  path: string;
  content: string;
}

/**
 * Resolves `relativePath` inside `workspacePath`, refusing anything that escapes it.
 * `field` names the input the path came from, for the error message.
 */
export function workspaceFile(
  workspacePath: string,
  relativePath: string,
  field: string,
): string {
  if (path.isAbsolute(relativePath)) {
    throw new InputError(`${field}: must be a path relative to the workspace`);
  }
  try {
    return resolveSafeChildPath(workspacePath, relativePath);
  } catch {
    throw new InputError(`${field}: path escapes the workspace`);
  }
}

/** Reads a workspace file, or undefined when it does not exist. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
}

/**
 * Writes all files or none: every file goes first to a temporary sibling, and only when
 * all of them are written are they renamed into place (rename is atomic on one file system).
 * Call it after all validation, so that a failing step leaves no partial file behind.
 */
export async function writeFilesAtomically(
  workspacePath: string,
  files: PlannedFile[],
): Promise<string[]> {
  const staged: Array<{ temp: string; target: string }> = [];
  try {
    for (const file of files) {
      const target = workspaceFile(workspacePath, file.path, 'path');
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temp = path.join(
        path.dirname(target),
        `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
      );
      await fs.writeFile(temp, file.content, { encoding: 'utf8', flag: 'wx' });
      staged.push({ temp, target });
    }
  } catch (e) {
    await Promise.all(staged.map(s => fs.rm(s.temp, { force: true })));
    throw e;
  }
  for (const { temp, target } of staged) {
    await fs.rename(temp, target);
  }
  return files.map(f => f.path);
}
