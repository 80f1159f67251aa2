import YAML from 'yaml';

/**
 * Strings that change a YAML document when spliced into it as text: each tries to add the
 * key `injected` (or the Kubernetes plugin's `kubernetes.io/skip-tls-verify`), end the
 * document, or turn the scalar into something else (anchor, alias, merge key, tag, flow
 * collection, block scalar, comment). The one list for every YAML-injection test.
 */
export const HOSTILE_STRINGS: ReadonlyArray<readonly [string, string]> = [
  ['newline + annotation', 'x\nkubernetes.io/skip-tls-verify: "true"'],
  ['newline + indented key', 'x\n    injected: true'],
  ['CRLF + key', 'x\r\ninjected: true'],
  ['carriage return + key', 'x\rinjected: true'],
  ['Unicode line separator', 'x\u2028injected: true'],
  ['next line (NEL)', 'x\u0085injected: true'],
  ['tab', 'x\tinjected: true'],
  ['double quote', 'x"\ninjected: "y'],
  ['single quote', "x'\ninjected: 'y"],
  ['colon', 'injected: true'],
  ['colon without space', 'a:b'],
  ['comment', 'x # injected: true'],
  ['leading hash', '#injected'],
  ['document start', '---\ninjected: true'],
  ['document end + new document', 'x\n...\n---\ninjected: true'],
  ['bare document marker', '---'],
  ['anchor', '&a x'],
  ['alias', '*a'],
  ['merge key', '<<: *a'],
  ['anchor + merge', '&a {injected: true}\n<<: *a'],
  ['flow mapping', '{injected: true}'],
  ['flow sequence', '[injected, true]'],
  ['block scalar', '|\n  injected: true'],
  ['folded scalar', '>-\n  injected'],
  ['tag', '!!binary aW5qZWN0ZWQ='],
  ['local tag', '!injected x'],
  ['directive', '%YAML 1.1\n---\ninjected: true'],
  ['boolean-looking', 'true'],
  ['null-looking', '~'],
  ['number-looking', '0x1F'],
  ['leading and trailing spaces', ' x '],
  ['only spaces', '   '],
  ['backslash escapes', 'x\\n\\"injected\\": true'],
  ['sequence entry', '- injected'],
  ['question mark key', '? injected\n: true'],
  ['percent + at + backtick', '@x `y` %z'],
];

/** Keys that a hostile string tries to add. */
const INJECTED_KEY = /injected|skip-tls-verify/;

/** Paths of every key below `value` that a hostile string could have added. */
export function injectedKeys(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => injectedKeys(v, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(INJECTED_KEY.test(k) ? [`${at}.${k}`] : []),
      ...injectedKeys(v, `${at}.${k}`),
    ]);
  }
  return [];
}

/**
 * Parses YAML text strictly (no errors, no warnings, unique keys, no anchor or alias) and
 * returns every document's data.
 */
export function parseStrict(text: string): unknown[] {
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length || doc.warnings.length) {
      throw new Error(
        `not clean YAML: ${[...doc.errors, ...doc.warnings]
          .map(e => e.message)
          .join('; ')}`,
      );
    }
  }
  for (const doc of list) {
    YAML.visit(doc, (_key, node) => {
      if (YAML.isAlias(node) || ((node as { anchor?: string })?.anchor ?? '')) {
        throw new Error('not clean YAML: an anchor or an alias was written');
      }
    });
  }
  return list.map(doc => doc.toJS());
}

/** What an action did with a hostile value. */
export type HostileOutcome = 'refused' | 'round-trip';

/**
 * Runs `act` with a hostile `value` in the input `field` and checks one of the two accepted
 * outcomes: a refusal whose message names the field, with the workspace left as it was
 * (`files()` unchanged); or a write after which every written YAML document parses cleanly
 * (`parseStrict`), holds no key a hostile string tries to add, and `valueIn(docs)` (the
 * value read back from the file) is exactly `value`.
 */
export async function expectRefusedOrRoundTrip(options: {
  /** The input field (or any of the names) that a refusal must name. */
  field: string | string[];
  value: unknown;
  act: () => Promise<unknown>;
  files: () => Record<string, string>;
  valueIn: (written: Record<string, unknown[]>) => unknown;
  yamlFile?: (path: string) => boolean;
}): Promise<HostileOutcome> {
  const before = options.files();
  try {
    await options.act();
  } catch (e) {
    const message = (e as Error).message;
    const names = ([] as string[]).concat(options.field);
    if (
      !names.some(
        name => message.includes(`${name}:`) || message.includes(`${name}.`),
      )
    ) {
      throw new Error(
        `refusal does not name the field ${options.field}: ${message}`,
      );
    }
    const after = options.files();
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      throw new Error(`refused, but the workspace changed (${options.field})`);
    }
    return 'refused';
  }
  const isYaml = options.yamlFile ?? ((p: string) => /\.ya?ml$/.test(p));
  const written: Record<string, unknown[]> = {};
  for (const [path, text] of Object.entries(options.files())) {
    if (!isYaml(path) || before[path] === text) continue;
    written[path] = parseStrict(text);
    const injected = injectedKeys(written[path]);
    if (injected.length) {
      throw new Error(`${path}: added key(s) ${injected.join(', ')}`);
    }
  }
  const readBack = options.valueIn(written);
  if (JSON.stringify(readBack) !== JSON.stringify(options.value)) {
    throw new Error(
      `${options.field}: wrote ${JSON.stringify(
        readBack,
      )} instead of ${JSON.stringify(options.value)}`,
    );
  }
  return 'round-trip';
}
