import { Document } from 'yaml';

/**
 * The one way this module turns data into YAML text (manifests, catalog entities, secret
 * payloads): the `yaml` library builds the document from the object, so every string stays
 * one scalar, whatever it holds (newlines, quotes, `: `, `#`, `---`, `&a`, `*a`, `<<:`).
 * No line folding, and no anchors/aliases for objects that appear twice.
 * `comment` becomes the document's leading comment, each line prefixed with `#`.
 */
export function yamlText(value: unknown, options: { comment?: string } = {}) {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  if (options.comment) {
    doc.commentBefore = options.comment
      .split('\n')
      .map(line => ` ${line}`)
      .join('\n');
  }
  return doc.toString({ lineWidth: 0 });
}
