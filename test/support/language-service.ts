/**
 * Runs the Cucumber language service (the engine of the official VS Code extension and the
 * Cucumber language server) over a project as the editor does: glue and feature files from
 * the project's .vscode/settings.json globs, step definitions and parameter types found by
 * its tree-sitter queries (WebAssembly grammars, as in the extension), then, per feature
 * file, the editor's diagnostics and the definition each step would jump to.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { glob } from 'glob';
import { ExpressionBuilder, getGherkinDiagnostics, type ExpressionLink, type LanguageName, type Source } from '@cucumber/language-service';
import { WasmParserAdapter } from '@cucumber/language-service/wasm';
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';

const LANGUAGES: Record<string, LanguageName> = { '.ts': 'tsx', '.tsx': 'tsx', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript' };

export interface EditorStep {
  /** feature file, relative to the project */
  uri: string;
  line: number;
  text: string;
  /** where go-to-definition lands: "steps/pair.steps.ts:9" per matching definition */
  definitions: string[];
}

export interface EditorView {
  glueFiles: string[];
  featureFiles: string[];
  stepDefinitions: { pattern: string; at: string }[];
  parameterTypes: string[];
  /** errors the language service reported while reading the glue */
  errors: string[];
  /** the editor's diagnostics per feature file ("Undefined step: …", parse errors) */
  diagnostics: { uri: string; line: number; message: string }[];
  steps: EditorStep[];
}

export async function editorView(projectDir: string): Promise<EditorView> {
  const settings = JSON.parse(readFileSync(join(projectDir, '.vscode', 'settings.json'), 'utf8'));
  const globs = (key: string): string[] => {
    const v = settings[key];
    if (!Array.isArray(v) || v.length === 0) throw new Error(`.vscode/settings.json: "${key}" must be a non-empty list of globs`);
    return v;
  };
  const find = async (patterns: string[]) => (await glob(patterns, { cwd: projectDir, nodir: true, dot: false, follow: true })).sort();
  const glueFiles = (await find(globs('cucumber.glue'))).filter((f) => Object.keys(LANGUAGES).some((ext) => f.endsWith(ext)));
  const featureFiles = await find(globs('cucumber.features'));

  // the grammars ship next to the package's dist/ code (dist/cjs/src/index.js -> dist/*.wasm)
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@cucumber/language-service')), '..', '..');
  const adapter = new WasmParserAdapter(wasmDir);
  await adapter.init();
  const sources: Source<LanguageName>[] = glueFiles.map((f) => ({
    languageName: LANGUAGES[f.slice(f.lastIndexOf('.'))],
    uri: pathToFileURL(join(projectDir, f)).href,
    content: readFileSync(join(projectDir, f), 'utf8'),
  }));
  const built = new ExpressionBuilder(adapter).build(sources, []);
  const at = (l: ExpressionLink) => `${relative(projectDir, fileURLToPath(l.locationLink.targetUri))}:${l.locationLink.targetRange.start.line + 1}`;
  const expressions = built.expressionLinks.map((l) => l.expression);

  const diagnostics: EditorView['diagnostics'] = [];
  const steps: EditorStep[] = [];
  for (const f of featureFiles) {
    const text = readFileSync(join(projectDir, f), 'utf8');
    for (const d of getGherkinDiagnostics(text, expressions)) diagnostics.push({ uri: f, line: d.range.start.line + 1, message: d.message });
    for (const s of gherkinSteps(text)) {
      const definitions = built.expressionLinks.filter((l) => l.expression.match(s.text) !== null).map(at);
      steps.push({ uri: f, line: s.line, text: s.text, definitions });
    }
  }
  return {
    glueFiles,
    featureFiles,
    stepDefinitions: built.expressionLinks.map((l) => ({ pattern: l.expression.source, at: at(l) })),
    parameterTypes: built.parameterTypeLinks.map((l) => l.parameterType.name ?? ''),
    errors: built.errors.map((e) => e.message),
    diagnostics,
    steps,
  };
}

/** every step as written in the file (Background, Scenario, Rule), with its line */
function gherkinSteps(text: string): { line: number; text: string }[] {
  const doc = new Parser(new AstBuilder(IdGenerator.uuid()), new GherkinClassicTokenMatcher()).parse(text);
  const out: { line: number; text: string }[] = [];
  const visit = (children: readonly { background?: { steps: readonly Step[] }; scenario?: { steps: readonly Step[] }; rule?: { children: readonly unknown[] } }[]) => {
    for (const c of children) {
      for (const s of c.background?.steps ?? c.scenario?.steps ?? []) out.push({ line: s.location.line, text: s.text });
      if (c.rule) visit(c.rule.children as typeof children);
    }
  };
  visit(doc.feature?.children ?? []);
  return out;
}

interface Step {
  location: { line: number };
  text: string;
}
