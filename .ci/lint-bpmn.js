'use strict';
// Lints every diagram under processes/ with bpmnlint and the rules of .bpmnlintrc (bpmnlint's recommended
// rules and the Camunda 7.24 compatibility rules), and validates the Camunda Modeler element templates of
// processes/.camunda/element-templates against Camunda's schema. Prints every problem; exits 1 on any error.
// Run by .ci/lint (which installs the pinned packages of package-lock.json) from `mvn verify`; given
// arguments, lints those diagram files instead of processes/.
//
// The diagrams leave out the optional <incoming>/<outgoing> references of their flow nodes; BPMN derives
// them from each flow's sourceRef and targetRef, as the engine and Camunda Modeler do. They are derived
// here the same way before linting, so that the rules on connections check the real flows.

const fs = require('node:fs');
const path = require('node:path');
const { BpmnModdle } = require('bpmn-moddle');
const Linter = require('bpmnlint/lib/linter');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { validateAll } = require('@bpmn-io/element-templates-validator');

const root = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(root, '.bpmnlintrc'), 'utf8'));
const templatesDir = path.join(root, 'processes', '.camunda', 'element-templates');

function files(dir, suffix) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '.camunda' ? [] : files(full, suffix);
    }
    return entry.name.endsWith(suffix) ? [ full ] : [];
  }).sort();
}

function deriveFlowReferences(element) {
  for (const child of element.flowElements || []) {
    if (child.$type === 'bpmn:SequenceFlow') {
      for (const [ node, list ] of [ [ child.sourceRef, 'outgoing' ], [ child.targetRef, 'incoming' ] ]) {
        const refs = node && node.get(list);
        if (refs && !refs.includes(child)) {
          refs.push(child);
        }
      }
    }
    deriveFlowReferences(child);
  }
}

async function lintDiagram(file, moddle, linter) {
  const problems = [];
  const { rootElement, warnings } = await moddle.fromXML(fs.readFileSync(file, 'utf8'));
  for (const warning of warnings) {
    problems.push({ id: warning.element && warning.element.id, category: 'error', message: 'import: ' + warning.message.split('\n')[0] });
  }
  for (const definition of rootElement.rootElements || []) {
    deriveFlowReferences(definition);
  }
  const reports = await linter.lint(rootElement);
  for (const [ rule, list ] of Object.entries(reports)) {
    for (const report of list) {
      problems.push({ id: report.id, category: report.category, message: report.message, rule });
    }
  }
  return problems;
}

async function main() {
  const moddleExtensions = {};
  for (const [ prefix, descriptor ] of Object.entries(config.moddleExtensions || {})) {
    moddleExtensions[prefix] = require(descriptor);
  }
  const moddle = new BpmnModdle(moddleExtensions);
  let errors = 0;
  let warnings = 0;
  const diagrams = process.argv.length > 2 ? process.argv.slice(2) : files(path.join(root, 'processes'), '.bpmn');
  for (const file of diagrams) {
    // a linter per diagram: some rules (no-duplicate-sequence-flows) keep state between lint calls, so one
    // linter for all would report a flow of one diagram as a duplicate of a flow with the same ends in another
    const linter = new Linter({ config, resolver: new NodeResolver() });
    for (const p of await lintDiagram(file, moddle, linter)) {
      p.category === 'error' ? errors++ : warnings++;
      console.log(`${path.relative(root, file)}  ${p.id || ''}  ${p.category}  ${p.message}${p.rule ? '  (' + p.rule + ')' : ''}`);
    }
  }
  const templates = fs.existsSync(templatesDir) ? files(templatesDir, '.json') : [];
  for (const file of templates) {
    const result = validateAll(JSON.parse(fs.readFileSync(file, 'utf8')));
    (result.results || []).forEach((r, i) => (r.errors || []).forEach(e => {
      errors++;
      console.log(`${path.relative(root, file)}  template ${i}  error  ${e.instancePath || '/'} ${e.message}`);
    }));
  }
  console.log(`bpmnlint: ${diagrams.length} diagram(s), ${templates.length} element template file(s): ${errors} error(s), ${warnings} warning(s)`);
  process.exit(errors ? 1 : 0);
}

main().catch(error => {
  console.error('bpmnlint could not run: ' + error.message);
  process.exit(1);
});
