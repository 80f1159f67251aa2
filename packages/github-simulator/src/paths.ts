/**
 * A path inside the repository as a client may name it (tree entries, contents): relative,
 * slash-separated, no empty, `.` or `..` segment, no `.git` segment, no NUL.
 */
export function isValidRepoPath(path: string): boolean {
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096) {
    return false;
  }
  if (path.includes('\0') || path.startsWith('/') || path.endsWith('/')) {
    return false;
  }
  return path
    .split('/')
    .every(
      segment =>
        segment !== '' &&
        segment !== '.' &&
        segment !== '..' &&
        segment.toLowerCase() !== '.git',
    );
}
