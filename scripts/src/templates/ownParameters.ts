/**
 * Regular-expression source for `parameters` where an expression names the template's own form values,
 * the runner's root context variable: not a property of something else (`environment.parameters.region`,
 * the managed Backstage's scaffolder.defaultEnvironment; `steps.x.output.parameters.y`; `values.parameters`),
 * nor the tail of a longer name (`myparameters`). Follow it with `\.name` or `\[…\]`.
 */
export const OWN_PARAMETERS = String.raw`(?<![\w$]|[.\])]\s*)parameters`;
