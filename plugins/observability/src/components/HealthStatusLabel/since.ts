/** "3 h", "12 min", "2 d": how long ago an ISO time was, for "critical since …". */
export function durationSince(
  iso: string | undefined,
  now = Date.now(),
): string | undefined {
  if (!iso) {
    return undefined;
  }
  const seconds = Math.max(
    0,
    Math.round((now - new Date(iso).getTime()) / 1000),
  );
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}
