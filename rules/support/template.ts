/**
 * Findings on values that hold a template placeholder (`{{ … }}`, see hasTemplatePlaceholder in
 * src/model/kinds.ts): the file is a template that a program renders before it is applied, so the
 * value in the cluster is not the text of the input. Such a value is not checked; the finding is an
 * info that says so.
 */
export const PLACEHOLDER =
  'holds a template placeholder ({{ … }}): the file is rendered before it is applied, so the value is not checked';
