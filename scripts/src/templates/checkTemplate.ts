import type { Ajv } from 'ajv';
import { join } from 'node:path';
import { ajvPackage } from '../load/lazyPackages.ts';
import type { Diagnostic, Severity } from '../diagnostic.ts';
import { draft07MetaSpec, usePrebuiltMetaSchema } from '../prebuilt/prebuiltMetaSchema.ts';
import type { ValidatorSpec } from '../prebuilt/validatorSpecs.ts';
import { isRecord, type SourceFile } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { boundedText } from '../report/safeText.ts';
import { checkExpression, checkExpressionSyntax, declaredStepOutputs, expressions, literalBraces, parameterReferences, rangeOfText, type ExpressionReport, type TextRange } from './checkExpressions.ts';
import { checkStepInputs, LONE_PARAMETER } from './checkStepInputs.ts';
import { closedPages } from './closedPages.ts';
import { stepIdOf } from './stepIds.ts';
import { registerPathProblems } from './registerTarget.ts';
import type { KnownAction, TemplatingNames } from './scaffolderActions.ts';
import { inSkeletonFolder, outsideSkeletonFinding, skeletonFolder } from './skeletonFolder.ts';
import { unreadPlaceholder } from '../catalog/placeholders.ts';
import { templateShapeProblem } from './templateShape.ts';
import { regionOffers } from './regionOffers.ts';
import { skeletonGlobProblems } from './skeletonGlobs.ts';
import { holdsLongArray, MAX_PAGE_ITEMS, parameterValueProblems } from './parameterValues.ts';
import { pageSchemaProblems } from './pageSchemaProblems.ts';

const PAGE_OPTIONS = { strict: false, allErrors: true, validateFormats: false };

/** draft-07's meta-schema as the parameter pages' Ajv checks each page against it; prebuilt by `npm run build`. */
export function templatePageMetaSpec(): ValidatorSpec {
  return draft07MetaSpec('template-page-meta-schema', PAGE_OPTIONS, []);
}

/** The org's policy for templates: the actions it allows (their shapes come from the actions themselves) and its regions. */
export interface TemplatePolicy {
  actions: string[];
  regions: string[];
}

/**
 * What a reviewer would have to catch in a template by eye: parameter schemas that do not compile,
 * expressions naming undeclared parameters or later/unknown steps, expressions the scaffolder cannot
 * parse (it passes them on as raw text), actions outside the allow-list,
 * a skeleton folder that is missing, and region choices outside the org's allow-list.
 */
/**
 * Backstage's rules for a template; with the org's policy (`policy`), also its action and region
 * allow-lists; with the actions the managed Backstage runs (`actions`, from loadScaffolderActions),
 * each step's input against its action's own schema. `document`: which document of `source` is the
 * template (a file may hold several, each a Template Backstage ingests); findings point into it.
 * `extensions`: the filters and globals the managed Backstage adds (templateExtensionNames). `passed`: the
 * parameters the template's test cases give values for (formDataNames): one no page declares is passed on
 * purpose through the URL's `?formData=`, so naming it is no template-unknown-parameter finding. `text`: the
 * file's text, or where a needle lies in a located value (a fragment's text for a value a placeholder brings in).
 * `root`: the repository's folder on disk, when known: a glob list is then judged against its skeleton
 * folder as globby sees it (skeletonGlobProblems' `folder`).
 */
export function checkTemplate(source: SourceFile, repoFiles: ReadonlySet<string>, policy?: TemplatePolicy, actions?: ReadonlyMap<string, KnownAction>, text?: string | TextRange, document = 0, extensions?: TemplatingNames, passed: ReadonlySet<string> = new Set(), root?: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const at = (path: PathSegment[], ruleId: string, message: string, hint: string, key = false, severity: Severity = 'error') => found.push({ ruleId, severity, message, hint, file: source.file, range: source.locate(document, path, key ? { key: true } : undefined) });
  // With the file's text, a finding about one expression points at the expression itself.
  const atExpression: ExpressionReport = (item, ruleId, message, hint, severity = 'error', inside) => {
    // A page or step Backstage reads from a URL at ingestion (unreadPlaceholder) may declare the name.
    if (ruleId === 'template-unknown-step' ? unknownSteps : ruleId.startsWith('template-unknown-parameter') && (unknownPages || callerFed)) return;
    const range = source.locate(document, item.path);
    const within = typeof text === 'string' ? rangeOfText.bind(undefined, text) : text;
    found.push({ ruleId, severity, message, hint, file: source.file, range: within === undefined ? range : within(range, item.text, inside, item.occurrence) });
  };
  const template = source.documents[document];
  // Not yet a template the scaffolder could run: Backstage's kind schema refuses it (entity-kind-schema).
  if (templateShapeProblem(template) !== undefined) return found;
  const spec = (template as { spec: Record<string, unknown> }).spec;
  const pages = (Array.isArray(spec.parameters) ? spec.parameters : spec.parameters ? [spec.parameters] : []) as Record<string, unknown>[];
  const declared = new Set<string>();
  const unknownPages = pages.some(page => unreadPlaceholder(page) !== undefined);
  const unknownSteps = Array.isArray(spec.steps) && spec.steps.some(step => unreadPlaceholder(step) !== undefined);
  const ajv = pageAjv();
  try {
    pages.forEach((page, i) => {
      const path = Array.isArray(spec.parameters) ? ['spec', 'parameters', i] : ['spec', 'parameters'];
      // Ajv checks a page against draft-07's meta-schema, whose enum (and required) are uniqueItems: every pair
      // of an enum's choices is compared (30,000 choices: 6 s here, and as long in the form's browser).
      // The page's other checks (declared values, regions) still run.
      const huge = holdsLongArray(page, MAX_PAGE_ITEMS);
      if (huge) at(path, 'template-parameters-invalid', `This parameter page holds a list of more than ${MAX_PAGE_ITEMS} items (an enum, a default or examples): Backstage's form (react-jsonschema-form, Ajv) compares every pair of an enum's items when it loads the page, which takes seconds to minutes, so its schema and values are not checked here.`, 'Offer fewer choices (an EntityPicker or a catalog-backed picker for long lists), or split the list over several fields.', false, 'warning');
      else {
        // react-jsonschema-form's Ajv validator compiles the page when it validates (rawValidation catches the
        // compile error and returns it as a validation error): the page shows, but Next never passes it.
        const hint = "Fix the schema: Backstage's form (react-jsonschema-form, Ajv) shows the page but cannot compile it, so pressing Next shows Ajv's error (schema is invalid: …) instead of moving on, and no one can start the template from the UI.";
        const schema = stripUi(page) as object;
        try {
          ajv.compile(schema);
        } catch (error) {
          // Refused by the meta-schema (Ajv then keeps its errors, each with its place in the page): said at each place.
          const refused = (error as Error).message.startsWith('schema is invalid:') && ajv.errors ? pageSchemaProblems(schema, ajv.errors) : [];
          for (const p of refused) at([...path, ...p.path], 'template-parameters-invalid', `This parameter page is not a valid JSON Schema: ${p.message}`, hint);
          if (!refused.length) at(path, 'template-parameters-invalid', `This parameter page is not a valid JSON Schema: ${(error as Error).message}`, hint);
        }
      }
      if (!huge && unreadPlaceholder(page) === undefined) for (const p of parameterValueProblems(page, path, ajv, stripUi)) at(p.path, 'template-parameter-value-invalid', p.message, p.hint, false, p.severity);
      collectDeclared(page, declared);
      // region, azureRegion, aws_region…: whatever a form calls it, and wherever on the page, it picks where things are deployed.
      const regions = policy ? regionOffers(page, policy.regions) : { offers: [] };
      for (const { path: inPage, name, outside } of regions.offers) at([...path, ...inPage], 'template-region-not-allowed', `The ${name} parameter offers ${outside.join(', ')}, outside the org's allow-list (${policy!.regions.join(', ')}).`, 'Offer an enum of regions from schemas/template-policy/regions.json.');
      if (regions.tooLarge) at(path, 'template-region-not-allowed', `This parameter page ${regions.tooLarge}: the region allow-list is not checked past that, so a region field there could offer any value.`, 'Flatten the page (a form this deep is unusable too), or split it into several pages.');
    });
  } finally {
    forgetPages(ajv);
  }
  if (!unknownPages) {
    const list = (names: string[]) => names.slice(0, 5).map(n => boundedText(n, 80)).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    for (const closed of closedPages(pages, value => unreadPlaceholder(value) !== undefined)) {
      const when = closed.required ? 'on every run, as one of them is required' : 'whenever the form gives one of them';
      const asked = [
        ...(closed.names.length ? [`other pages ask for ${list(closed.names)}`] : []),
        // jsonschema's additionalProperties sees only the properties beside it, not a branch's (testAdditionalProperty).
        ...(closed.branchNames.length ? [`${closed.names.length ? 'the form also asks' : 'the form asks'} for ${list(closed.branchNames)} in a branch (dependencies, oneOf, anyOf, allOf, if/then/else${closed.ownBranch ? ', this page\'s own included' : ''}), which additionalProperties does not look into`] : []),
      ].join(', and ');
      const fix = closed.branchNames.length ? 'declare every field the form asks for (other pages\' properties and those of branches) in this page\'s own properties too' : 'declare the other pages\' properties on it too';
      const path = Array.isArray(spec.parameters) ? ['spec', 'parameters', closed.page, 'additionalProperties'] : ['spec', 'parameters', 'additionalProperties'];
      at(path, 'template-page-closed', `This page has additionalProperties: false, but ${asked}: Backstage validates the values of the whole form against every page, so it refuses the task ${when} ("is not allowed to have the additional property").`, `Remove additionalProperties: false from the page (the form only submits what its pages declare), or ${fix}.`, false, closed.required ? 'error' : 'warning');
    }
  }
  // No page declares a property (no parameters, `[]`, `{}`, pages of text only): no one fills a form, the
  // template is started by a caller (another plugin or automation through POST /api/scaffolder/v2/tasks, a
  // link with ?formData=), and the backend passes on whatever values it sends, as no page refuses them.
  // A page with anything but text (`required`, a misspelt `propeties`, patternProperties, a branch) is a form
  // someone meant to fill: its errors stay errors. Properties the form does not render (patternProperties:
  // react-jsonschema-form shows no field for them) declare nothing.
  const callerFed = !unknownPages && declared.size === 0 && pages.every(textOnlyPage);
  // A page Backstage reads at ingestion may declare the same name with another type.
  const parameterKinds = unknownPages ? undefined : declaredParameterKinds(pages);
  const steps = (Array.isArray(spec.steps) ? spec.steps : []) as Record<string, unknown>[];
  const seen: string[] = [];
  // The id the runner knows a step by (stepIdOf): an explicit `id: step-2` and the second step without an id share one.
  const idOf = stepIdOf;
  const stepIds = new Set(steps.map(idOf).filter((id): id is string => id !== undefined));
  const outputs = actions && !unknownSteps ? declaredStepOutputs(steps, idOf, actions) : undefined;
  const firstWithId = new Map<string, number>();
  steps.forEach((step, i) => {
    const id = idOf(step, i);
    if (id === undefined) return;
    const first = firstWithId.get(id);
    // The runner keeps one output per id: the later step's output silently replaces the earlier one's. Two
    // steps that each run only `if:` something are the field's way to say "publish here or there" under
    // one id (the runner records no output for a skipped step, and Backstage checks no uniqueness): whether
    // their conditions exclude each other is not known before the form is filled, so they are not judged.
    const conditional = (s: Record<string, unknown> | undefined) => s !== undefined && s !== null && s.if !== undefined;
    if (first !== undefined && conditional(steps[first]) && conditional(step)) return;
    const named = (n: number) => (typeof steps[n]?.id === 'string' ? '' : ` (the scaffolder's name for step ${n + 1}, which has no id)`);
    // NunjucksWorkflowRunner (scaffolder-backend 4.2.0) checks no uniqueness and runs the task: a warning.
    if (first !== undefined) at(['spec', 'steps', i, ...(named(i) ? [] : ['id'])], 'template-duplicate-step', `Step id ${id}${named(i)} is already used by step ${first + 1}${named(first)}. Backstage still runs both steps, but keeps one output per id: from this step on steps.${id} is this step's output (the earlier one's is gone), and the task's log names both steps ${id}.`, 'Give every step its own id.', false, 'warning');
    else firstWithId.set(id, i);
  });
  if (actions) for (const f of checkStepInputs(steps, actions, pickerParameters(pages), parameterKinds)) if (unreadPlaceholder(steps[Number(f.path[2])]) === undefined) at(f.path, f.ruleId, f.message, f.hint, f.key);
  for (const f of registerPathProblems(steps, idOf)) if (unreadPlaceholder(steps[Number(f.path[2])]) === undefined) at(f.path, 'template-register-path', f.message, f.hint);
  // Every parameter the steps and the output read (a step Backstage reads from a URL at ingestion is not judged).
  const read = new Set<string>();
  for (const item of [...steps.flatMap((step, i) => (unreadPlaceholder(step) === undefined ? [...expressions(step, ['spec', 'steps', i])] : [])), ...expressions(spec.output, ['spec', 'output'])]) {
    for (const m of parameterReferences(item.expression)) read.add(m[1]);
  }
  // What the expressions may read: the declared parameters, and those a test case passes through ?formData=.
  const readable = new Set([...declared, ...passed]);
  steps.forEach((step, i) => {
    if (unreadPlaceholder(step) !== undefined) return;
    const action = String(step.action ?? '');
    for (const f of ignoredStepKeys(step, action, actions?.get(action))) at(['spec', 'steps', i, f.key], 'template-step-key-ignored', f.message, f.hint, true, 'warning');
    if (policy && !policy.actions.includes(action)) at(['spec', 'steps', i, 'action'], 'template-action-not-allowed', `Action ${action} is not in the allow-list.`, 'Use an action from schemas/template-policy/actions.json, or add it there with a platform review.');
    for (const item of expressions(step, ['spec', 'steps', i])) checkExpression(item, seen, stepIds, readable, atExpression, extensions, parameterKinds, outputs);
    // What the runner renders of a step (name, id and action are read as written).
    for (const key of ['input', 'if', 'each']) checkExpressionSyntax(step[key], ['spec', 'steps', i, key], atExpression);
    for (const key of ['input', 'if', 'each']) for (const item of literalBraces(step[key], ['spec', 'steps', i, key])) atExpression(item, 'template-unrendered-braces', unrenderedBraces(item.text, 'the action gets it as written'), `Write \${{ ${boundedText(item.expression, 100)} }}.`);
    // `if: false` skips the step before its each is read.
    const eachProblem = step.if === false ? undefined : literalEachProblem(step.each) ?? scalarParameterEachProblem(step.each, parameterKinds);
    if (eachProblem) at(['spec', 'steps', i, 'each'], 'template-each-invalid', `each is ${eachProblem}: the scaffolder fails the task at this step ("Invalid value on action ${action}.each parameter, must resolve to an array or object").`, 'Give each a list, a mapping, or an expression that gives one (each: ${{ parameters.services }}).');
    if (action === 'fetch:template' && isRecord(step.input)) {
      const skeleton = skeletonFolder(source.file, step.input.url);
      const folder = root !== undefined && skeleton !== undefined && skeleton !== '..' ? join(root, skeleton) : undefined;
      for (const key of ['copyWithoutTemplating', 'copyWithoutRender']) for (const p of skeletonGlobProblems(step.input[key], { folder })) at(['spec', 'steps', i, 'input', key, p.index], p.ruleId, p.message, p.hint, false, p.severity);
    }
    if (action === 'fetch:template' || action === 'fetch:plain') {
      const folder = isRecord(step.input) ? skeletonFolder(source.file, step.input.url) : undefined;
      if (folder !== undefined) {
        // fetch:template copies what url names into a temporary folder and globs it with that folder as cwd:
        // a file there fails the task (globby: "The `cwd` option must be a path to a directory").
        if (folder === '..') {
          const { message, hint } = outsideSkeletonFinding(source.file, String((step.input as Record<string, unknown>).url), 'folder', repoFiles);
          at(['spec', 'steps', i, 'input', 'url'], 'template-skeleton-missing', message, hint);
        } else if (action === 'fetch:template' && repoFiles.has(folder)) at(['spec', 'steps', i, 'input', 'url'], 'template-skeleton-missing', `The url names the file ${folder.slice(0, 200)}, not a folder: fetch:template renders a skeleton folder, so the task fails here ("The \`cwd\` option must be a path to a directory").`, 'Use fetch:template:file (with targetPath) to render one file, or point url at the folder that holds it.');
        else if (![...repoFiles].some(f => inSkeletonFolder(f, folder))) at(['spec', 'steps', i, 'input', 'url'], 'template-skeleton-missing', `The skeleton folder ${folder} does not exist or is empty.`, `The url is relative to ${source.file}; keep skeletons in skeletons/<name>/.`);
      }
    }
    // The one-file actions (createFetchTemplateFileAction, createFetchPlainFileAction) fetch `url` as a file: fetchFile fails the task without one.
    if (action === 'fetch:template:file' || action === 'fetch:plain:file') {
      const path = isRecord(step.input) ? skeletonFolder(source.file, step.input.url) : undefined;
      if (path === '..') {
        const { message, hint } = outsideSkeletonFinding(source.file, String((step.input as Record<string, unknown>).url), 'file', repoFiles);
        at(['spec', 'steps', i, 'input', 'url'], 'template-skeleton-missing', message, hint);
      } else if (path !== undefined && !repoFiles.has(path)) {
        const folder = [...repoFiles].some(f => inSkeletonFolder(f, path));
        at(['spec', 'steps', i, 'input', 'url'], 'template-skeleton-missing', `The file ${path.slice(0, 200)} ${folder ? 'is a folder' : 'does not exist'}: ${action} fetches one file from url, so the task fails here.`, `The url is relative to the template file; point it at the file itself${folder ? ', or use fetch:template for a folder' : ''}.`);
      }
    }
    // Known by the id the runner gives it: a later `steps['step-2']` of an id-less second step reads its output.
    const id = idOf(step, i);
    if (id !== undefined) seen.push(id);
  });
  for (const item of expressions(spec.output, ['spec', 'output'])) checkExpression(item, seen, stepIds, readable, atExpression, extensions, parameterKinds, outputs);
  if (callerFed) {
    const names = [...read].sort();
    const shown = names.slice(0, 20).map(n => `parameters.${n}`).join(', ') + (names.length > 20 ? ` and ${names.length - 20} more` : '');
    if (names.length) at(['spec', 'parameters'], 'template-caller-parameters', `This template declares no parameter properties, so it is started by a caller rather than a form: its steps read ${shown}, which Backstage takes as the caller sends them (POST /api/scaffolder/v2/tasks values, or a link's ?formData=), checked by no schema.`, "Declare them on a page (with 'ui:widget': hidden, the form does not show them) so Backstage checks what callers send, or give them values in a test case (tests/*.yaml beside the template) so the gate renders it.", false, 'info');
  }
  checkExpressionSyntax(spec.output, ['spec', 'output'], atExpression);
  for (const item of literalBraces(spec.output, ['spec', 'output'])) atExpression(item, 'template-unrendered-braces', unrenderedBraces(item.text, 'the user sees it as written'), `Write \${{ ${boundedText(item.expression, 100)} }}.`);
  return found;
}

/** What NunjucksWorkflowRunner (scaffolder-backend 4.2.0) reads of a step, and the permission filter's key. */
const STEP_KEYS = ['id', 'name', 'action', 'input', 'if', 'each', 'backstage:permissions'];

/**
 * The keys of a step that Backstage drops without a word: the catalog's Template schema lets any key through
 * and the router hands the step on whole, but the runner reads only STEP_KEYS, so an action input written
 * beside `input` (copyWithoutTemplating, values) never reaches the action, and a setting the scaffolder does
 * not have (continueOnFailure) changes nothing. A `$`-key is a placeholder's, not judged here. Takes the step,
 * its action's id and, when known, the action (its input schema names the inputs written beside `input`);
 * returns each such key with a message and a hint, in the step's key order. Pure.
 */
export function ignoredStepKeys(step: Record<string, unknown>, action: string, known?: KnownAction): { key: string; message: string; hint: string }[] {
  const inputs = known && isRecord(known.inputSchema) && isRecord(known.inputSchema.properties) ? Object.keys(known.inputSchema.properties) : [];
  const found: { key: string; message: string; hint: string }[] = [];
  for (const key of Object.keys(step)) {
    if (STEP_KEYS.includes(key) || key.startsWith('$')) continue;
    const shown = boundedText(key, 60);
    const misspelt = STEP_KEYS.find(k => k.toLowerCase() === key.toLowerCase());
    if (misspelt) {
      found.push({ key, message: `${shown} is no key of a step: Backstage's scaffolder reads ${misspelt}, and ignores ${shown}, so the step runs without it.`, hint: `Write it ${misspelt}: the keys are case-sensitive.` });
    } else if (inputs.includes(key)) {
      found.push({ key, message: `${shown} is written beside the step's input, where Backstage's scaffolder never reads it: ${boundedText(action, 80)} gets only what is under input, so the step runs without ${shown}.`, hint: `Move ${shown} under the step's input:.` });
    } else {
      const failure = /^continue[-_]?on[-_]?(failure|error|fail)$/i.test(key);
      found.push({
        key,
        message: `${shown} is no setting of a step: Backstage's scaffolder reads a step's id, name, action, input, if and each (and backstage:permissions) and ignores the rest, so the step runs as if ${shown} were not there.`,
        hint: failure ? 'The scaffolder has no way to go on past a failed step: a failure of this step ends the task. Remove the key, or make the step unable to fail (an if: that skips it).' : `Remove the key${inputs.length ? `, or put what it sets under input if ${boundedText(action, 80)} takes it` : ''}.`,
      });
    }
  }
  return found;
}

function unrenderedBraces(text: string, outcome: string): string {
  return `${boundedText(text, 120)} has no $ before its braces: the scaffolder renders only \${{ … }} in template.yaml, so ${outcome}.`;
}

/**
 * What a step's `each` is, when the runner can only fail on it whatever the values: NunjucksWorkflowRunner
 * renders it (a string without a tag renders to itself) and refuses anything but an array or object, `null`
 * included. Undefined for no each, a list, a mapping, or a string that holds a template tag.
 */
export function literalEachProblem(each: unknown): string | undefined {
  if (each === undefined || (typeof each === 'object' && each !== null)) return undefined;
  if (typeof each === 'string') return /\$\{\{|\{%/.test(each) ? undefined : `the plain text ${JSON.stringify(each.length > 60 ? `${each.slice(0, 59)}…` : each)}`;
  return each === null ? 'null' : `the ${typeof each} ${String(each)}`;
}

const SCALAR_KINDS = new Set(['string', 'number', 'boolean', 'null']);

/**
 * An each that is one parameter the pages declare only as a string, number, boolean or null (every page,
 * branch and dependency that declares it: declaredParameterKinds): the runner renders it to that value, which
 * is no array or object, so every task fails at this step (the dry-run answers 400 "must resolve to an array
 * or object"; an optional one not given fails as "cannot be resolved to a value"). Takes the step's each and
 * the declared kinds (undefined when the pages are not known); returns the problem's words or undefined. Pure.
 */
export function scalarParameterEachProblem(each: unknown, kinds: ReadonlyMap<string, readonly string[]> | undefined): string | undefined {
  if (typeof each !== 'string' || kinds === undefined) return undefined;
  const match = LONE_PARAMETER.exec(each);
  const name = match?.[1] ?? match?.[3];
  const declared = name === undefined ? undefined : kinds.get(name);
  if (!declared || declared.length === 0 || !declared.every(kind => SCALAR_KINDS.has(kind))) return undefined;
  return `the parameter ${boundedText(name!, 80)}, which the form declares as ${[...new Set(declared)].join(' or ')}`;
}

let shared: { ajv: Ajv; schemas: Set<string>; refs: Set<string> } | undefined;

/**
 * The Ajv that judges parameter pages: only whether each page is a schema at all; formats are the
 * form's business (RJSF knows data-url, ajv does not). One instance for the process, so its meta-schema
 * is compiled once rather than once per template (about 15 ms each).
 */
function pageAjv(): Ajv {
  if (!shared) {
    const ajv = new (ajvPackage().Ajv)(PAGE_OPTIONS);
    usePrebuiltMetaSchema(ajv, templatePageMetaSpec());
    shared = { ajv, schemas: new Set(Object.keys(ajv.schemas)), refs: new Set(Object.keys(ajv.refs)) };
  }
  return shared.ajv;
}

/**
 * Removes the ids one template's pages registered ($id at any depth), keeping the meta-schemas: each
 * template's pages meet only each other, as with an instance of their own (a page repeating another
 * page's $id in the same template still fails; one repeating another template's does not).
 */
function forgetPages(ajv: Ajv): void {
  for (const key of Object.keys(ajv.schemas)) if (!shared!.schemas.has(key)) delete ajv.schemas[key];
  for (const key of Object.keys(ajv.refs)) if (!shared!.refs.has(key)) delete ajv.refs[key];
}

const JSON_KINDS: Record<string, string[]> = { string: ['string'], number: ['number'], integer: ['number'], boolean: ['boolean'], null: ['null'], array: ['array'], object: ['record'] };

/**
 * The value kinds each parameter may hold, from its declared JSON Schema `type` on every page, branch and
 * dependency that declares it (Backstage validates the task's values against the pages before it runs).
 * A parameter declared anywhere without a type, or with one this does not know, is left out (any kind).
 */
export function declaredParameterKinds(pages: readonly unknown[]): Map<string, readonly string[]> {
  const kinds = new Map<string, Set<string> | null>();
  const visit = (schema: unknown): void => {
    if (!isRecord(schema)) return;
    if (isRecord(schema.properties)) {
      for (const [name, property] of Object.entries(schema.properties)) {
        const types = isRecord(property) ? (Array.isArray(property.type) ? property.type : [property.type]) : [undefined];
        const known = types.every(t => typeof t === 'string' && JSON_KINDS[t]) ? types.flatMap(t => JSON_KINDS[t as string]) : undefined;
        const before = kinds.get(name);
        kinds.set(name, known === undefined || before === null ? null : new Set([...(before ?? []), ...known]));
      }
    }
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach(visit);
    for (const key of ['if', 'then', 'else']) visit(schema[key]);
    if (isRecord(schema.dependencies)) Object.values(schema.dependencies).forEach(visit);
  };
  pages.forEach(visit);
  return new Map([...kinds].filter((entry): entry is [string, Set<string>] => entry[1] !== null).map(([name, set]) => [name, [...set]]));
}

/**
 * Every parameter a page can produce: its properties, and those that appear conditionally (RJSF's
 * `dependencies` with oneOf, allOf/anyOf/oneOf, if/then/else), as Backstage's docs show them.
 */
/**
 * Whether a parameter page holds nothing a form field comes from: only a title, a description, `type`, empty
 * `properties` and `ui:` options (a page-level `ui:field` is a custom form whose values no schema names).
 * Takes one entry of spec.parameters (or the object itself); true for a page that is no object.
 */
function textOnlyPage(page: unknown): boolean {
  if (!isRecord(page)) return true;
  return Object.entries(page).every(([key, value]) => key === 'title' || key === 'description' || key === 'type' || key.startsWith('ui:') || (key === 'properties' && isRecord(value) && Object.keys(value).length === 0));
}

function collectDeclared(schema: unknown, into: Set<string>): void {
  if (!isRecord(schema)) return;
  if (isRecord(schema.properties)) for (const name of Object.keys(schema.properties)) into.add(name);
  for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) for (const branch of schema[key] as unknown[]) collectDeclared(branch, into);
  for (const key of ['if', 'then', 'else']) collectDeclared(schema[key], into);
  if (isRecord(schema.dependencies)) for (const dependent of Object.values(schema.dependencies)) collectDeclared(dependent, into);
}

/** Parameters filled by a RepoUrlPicker field: their values are `host?owner=…&repo=…` strings. */
export function pickerParameters(pages: readonly unknown[]): Set<string> {
  const pickers = new Set<string>();
  const visit = (schema: unknown): void => {
    if (Array.isArray(schema)) return schema.forEach(visit);
    if (!isRecord(schema)) return;
    if (isRecord(schema.properties)) {
      for (const [name, property] of Object.entries(schema.properties)) if (isRecord(property) && property['ui:field'] === 'RepoUrlPicker') pickers.add(name);
    }
    for (const value of Object.values(schema)) if (value && typeof value === 'object') visit(value);
  };
  pages.forEach(visit);
  return pickers;
}

function stripUi(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripUi);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !key.startsWith('ui:')).map(([key, value]) => [key, stripUi(value)]));
}
