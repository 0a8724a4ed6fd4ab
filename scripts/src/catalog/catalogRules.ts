import { RuleRegistry, type Rule } from '../rules.ts';

const rules: Rule[] = [
  // Reading files
  { id: 'yaml-syntax', severity: 'error', description: 'The file is not valid YAML; Backstage skips the document.', example: 'metadata: {name: x' },
  { id: 'yaml-duplicate-key', severity: 'error', description: 'A mapping repeats a key; Backstage rejects the document.', example: 'metadata:\n  name: a\n  name: b' },
  { id: 'yaml-alias-limit', severity: 'error', description: 'Anchors and aliases expand beyond the limit (billion-laughs protection).', example: 'a: &a [x, x]\nb: [*a, *a, *a]  # nested many levels deep' },
  { id: 'yaml-node-limit', severity: 'error', description: 'The file holds more YAML values than the per-file budget (100,000); it is not read, however few bytes it has.', example: 'tags: [a, a, a, …]  # 450,000 items in under 1 MB' },
  { id: 'yaml-file-too-large', severity: 'error', description: 'The file exceeds the size cap and is not read.', example: '# a 5 MB catalog file' },
  { id: 'yaml-encoding', severity: 'error', description: 'The file is not UTF-8; Backstage would replace the bytes silently.', example: '# a file saved as Latin-1 or UTF-16' },
  { id: 'config-rule-locked', severity: 'warning', description: 'gitops.config.yaml tries to turn off or lower a security rule (symlinks, YAML budgets, unsafe mkdocs.yml, unsafe CODEOWNERS paths, glob and render budgets); the setting is ignored.', example: 'rules:\n  mkdocs-unsafe-tag: off' },
  { id: 'repo-symlink', severity: 'error', description: 'A symbolic link in the repository: Backstage reads it as a one-line path from the git host, and the toolkit never follows it (it could lead to a host file).', example: '# catalog/api.yaml -> /etc/passwd' },
  { id: 'repo-path-encoding', severity: 'error', description: 'A file or folder name that is not valid UTF-8: it cannot be read by its name, so nothing in it is checked.', example: "# skeletons/docs-site/odd\\xff.md" },
  { id: 'yaml-not-a-mapping', severity: 'error', description: 'A document is a list or scalar, not an entity mapping.', example: '- apiVersion: backstage.io/v1alpha1' },
  { id: 'yaml-merge-key', severity: 'warning', description: "A '<<' merge key is kept literally by Backstage (YAML 1.2).", example: 'spec:\n  <<: *defaults' },
  // Backstage's model
  { id: 'entity-envelope', severity: 'error', description: 'apiVersion, kind or metadata.name is missing or not a string.', example: 'kind: Component\nmetadata: {name: x}' },
  { id: 'entity-schema', severity: 'error', description: "The entity does not match Backstage's Entity schema (metadata types, links, tags).", example: 'metadata:\n  name: x\n  tags: [1]' },
  { id: 'entity-foreign-root-field', severity: 'error', description: 'A root field other than apiVersion, kind, metadata, spec.', example: 'status: {}' },
  { id: 'entity-field-format', severity: 'error', description: 'A name, namespace, label, annotation, tag or link has the wrong format.', example: 'metadata:\n  name: My Service!' },
  { id: 'entity-kind-unknown', severity: 'error', description: 'No Backstage processor recognises the kind and apiVersion (both case-sensitive).', example: 'apiVersion: backstage.io/v1alpha1\nkind: component' },
  { id: 'entity-kind-schema', severity: 'error', description: "The spec does not match the kind's schema (Component needs type, lifecycle, owner…).", example: 'kind: Component\nspec: {type: service}' },
  { id: 'entity-ref-format', severity: 'error', description: 'A reference cannot be parsed, or dependsOn/dependencyOf lacks a kind.', example: 'spec:\n  dependsOn: [orders-db]' },
  { id: 'entity-ref-too-long', severity: 'error', description: "The entity ref is longer than Backstage's 255-character column.", example: 'metadata: {namespace: <60 chars>, name: <63 chars>}' },
  // Placeholders
  { id: 'placeholder-invalid', severity: 'error', description: 'A $text/$json/$yaml placeholder is malformed or its file does not parse.', example: 'definition:\n  $text: 42' },
  { id: 'placeholder-target-missing', severity: 'error', description: 'A placeholder points at a file that does not exist.', example: 'definition:\n  $text: ./openapi.yaml  # no such file' },
  { id: 'placeholder-outside-repo', severity: 'error', description: 'A placeholder reaches outside this repository: a path above its root, or a URL into another git repository (refused since catalog-backend 4.0.0; plain web URLs are allowed).', example: 'definition:\n  $text: ../../other/api.yaml' },
  // Org policy
  { id: 'policy', severity: 'error', description: 'An org policy schema in schemas/policy/ is violated; the rule id names the schema (policy/<name>).', example: 'spec:\n  lifecycle: beta  # not in the allowed list' },
  // Annotations
  { id: 'annotation-location-ref', severity: 'error', description: 'A location annotation (techdocs-ref, source-location…) is not <type>:<target>.', example: 'backstage.io/techdocs-ref: ./docs' },
  { id: 'annotation-url', severity: 'error', description: 'A URL annotation is not an absolute http(s) URL.', example: 'backstage.io/view-url: github.com/acme/x' },
  { id: 'annotation-uuid', severity: 'error', description: 'An Entra ID / LDAP id annotation is not a UUID.', example: 'graph.microsoft.com/group-id: platform' },
  { id: 'annotation-project-slug', severity: 'error', description: 'github.com/project-slug or dev.azure.com/project-repo is not owner/name.', example: 'github.com/project-slug: https://github.com/acme/x' },
  { id: 'annotation-managed', severity: 'warning', description: 'Source files set an annotation that Backstage itself manages and overwrites.', example: 'backstage.io/managed-by-location: url:…' },
  { id: 'techdocs-ref-missing', severity: 'error', description: 'backstage.io/techdocs-ref: dir:… points at a folder with neither mkdocs.yml nor a docs/ folder to build from.', example: 'backstage.io/techdocs-ref: dir:./docs  # no ./docs/mkdocs.yml' },
  { id: 'mkdocs-invalid', severity: 'error', description: "A TechDocs site's mkdocs.yml does not parse or has no site_name.", example: 'nav:\n  - Home: index.md  # no site_name' },
  { id: 'mkdocs-docs-dir-missing', severity: 'error', description: "docs_dir is missing or empty.", example: 'docs_dir: manual  # no manual/ folder' },
  { id: 'mkdocs-index-missing', severity: 'error', description: 'docs_dir has neither index.md nor README.md (which MkDocs builds to index.html), so the site has no landing page.', example: '# docs/ holds only guide.md' },
  { id: 'mkdocs-nav-missing', severity: 'error', description: 'A nav entry points at a page that does not exist.', example: 'nav:\n  - Runbook: runbok.md' },
  { id: 'mkdocs-unsafe-tag', severity: 'error', description: 'mkdocs.yml uses a YAML tag that reads the build environment (!ENV) or constructs Python objects (!!python/…): a way to publish secrets or run code.', example: 'copyright: !ENV AZURE_STORAGE_CONNECTION_STRING' },
  { id: 'mkdocs-hooks', severity: 'error', description: 'mkdocs.yml lists hooks: Python files MkDocs runs while building.', example: 'hooks: [hooks/steal.py]' },
  { id: 'mkdocs-path-outside', severity: 'error', description: "A path in mkdocs.yml (docs_dir, site_dir, theme.custom_dir, watch, extra_css, extra_javascript, extra_templates) leads outside the site's folder: the build would read or write files elsewhere on the machine.", example: 'docs_dir: ../../../../tmp/x' },
  { id: 'mkdocs-inherit-outside', severity: 'error', description: "INHERIT points outside the site's folder or at no file in the repo: config nobody reviewing the site sees.", example: 'INHERIT: ../../scripts/base.yml' },
  { id: 'mkdocs-unsafe-extension', severity: 'error', description: 'A markdown extension denied by schemas/techdocs-policy.json, such as pymdownx.snippets, which pastes host files into the page.', example: 'markdown_extensions:\n  - pymdownx.snippets' },
  { id: 'mkdocs-plugin-not-allowed', severity: 'error', description: 'An mkdocs plugin outside schemas/techdocs-policy.json (plugins run Python in the publishing job).', example: 'plugins:\n  - macros' },
  { id: 'techdocs-build-failed', severity: 'error', description: 'A TechDocs site does not build as publish would build it (`techdocs build`): MkDocs\' own error on mkdocs.yml or the page it names.', example: 'strict: true\nnav:\n  - Setup: setup.md  # no docs/setup.md' },
  { id: 'mkdocs-dropped-key', severity: 'warning', description: 'mkdocs.yml uses a key, theme option or plugin that TechDocs drops before building.', example: 'hooks: [hooks.py]' },
  // References and uniqueness
  { id: 'ref-unresolved', severity: 'error', description: 'A reference names an entity that is neither in this repo nor declared external.', example: 'spec:\n  owner: team-paymnts' },
  { id: 'ref-provided-elsewhere', severity: 'info', description: "A reference to an entity this repo does not define, which one of the managed Backstage's org providers (microsoftGraphOrg, githubOrg, ldapOrg, gitlab) brings in.", example: '# app-config: catalog.providers.microsoftGraphOrg\nspec:\n  owner: group:default/from-entra' },
  { id: 'ref-kind-not-allowed', severity: 'error', description: "A reference points at a kind the field does not allow (owner must be Group or User).", example: 'spec:\n  owner: component:orders-api' },
  { id: 'ref-self', severity: 'warning', description: 'An entity refers to itself.', example: 'metadata: {name: a}\nspec:\n  dependsOn: [component:a]' },
  { id: 'entity-duplicate', severity: 'error', description: 'The same entity ref (case-insensitive) is defined twice: in one file Backstage keeps the later document silently; across files the first location processed wins and the other is a conflict.', example: '# Component orders-api in two files' },
  { id: 'group-cycle', severity: 'error', description: 'The group hierarchy loops back on itself.', example: 'a.parent: b, b.parent: a' },
  { id: 'group-multiple-parents', severity: 'error', description: 'A group ends up with more than one parent.', example: 'a.parent: b, c.children: [a]' },
  { id: 'group-hierarchy-asymmetric', severity: 'warning', description: "A group's parent does not list it among its children, or the reverse.", example: 'a.parent: b, b.children: []' },
  { id: 'group-membership-asymmetric', severity: 'warning', description: "A user's memberOf disagrees with the group's explicit members list.", example: 'user.memberOf: [a], a.members: [someone-else]' },
  // Locations and reachability
  { id: 'location-target-missing', severity: 'error', description: 'A Location target matches no file in the repo.', example: 'spec:\n  targets: [./sytems/*.yaml]' },
  { id: 'location-target-invalid', severity: 'error', description: 'A Location type is not allowed, or a file target ends in /.', example: 'spec:\n  type: github' },
  { id: 'location-glob-too-complex', severity: 'error', description: "A Location target pattern that minimatch (Backstage's reader) matches in exponential or high-polynomial time: repeated extglob groups, more than 3 * in a segment, more than 3 ** segments, {…} groups expanding to more than 64 patterns, or over 2 s of matching.", example: 'spec:\n  target: ./+(a|aa)*c.yaml' },
  { id: 'location-target-external', severity: 'info', description: 'A Location target lies outside this repo and is not followed offline.', example: 'spec:\n  target: https://github.com/acme/other/blob/main/catalog-info.yaml' },
  { id: 'location-unreachable', severity: 'error', description: 'An entity file is not reachable from the root Location, so Backstage never reads it.', example: '# catalog/new.yaml, listed by no Location' },
  { id: 'catalog-rule-denied', severity: 'error', description: "The managed Backstage's catalog.rules reject this kind from this location.", example: 'kind: Group  # with catalog.rules allowing only Component, API, Location' },
];

export const catalogRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
