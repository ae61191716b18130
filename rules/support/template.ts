/**
 * Findings on values that hold a template placeholder (`{{ … }}`, see hasTemplatePlaceholder in
 * src/model/kinds.ts): the file is a template that a program renders before it is applied, so the
 * value in the cluster is not the text of the input. Such a value is not checked; the finding is an
 * info that says so.
 */
export const PLACEHOLDER =
  'holds a template placeholder ({{ … }}): the file is rendered before it is applied, so the value is not checked';

/**
 * The note on a value that holds a placeholder of any kind (`placeholderIn` in src/model/kinds.ts):
 * the file is filled in (rendered, substituted or edited) before it is applied.
 */
export const placeholderNote = (kind: string) =>
  `holds ${kind}: the file is filled in before it is applied, so the value is not checked`;
